//! `netclaw`: the command-line binary.

fn main() -> std::process::ExitCode {
    netclaw_cli::run(
        std::env::args_os(),
        netclaw_config::EnvSnapshot::capture(),
        netclaw_cli::Io::process(),
    )
}
