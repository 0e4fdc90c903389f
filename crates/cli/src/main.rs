//! `netclaw`: the command-line binary.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
