//! `netclaw-daemon`: the daemon binary.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
