//! `binhyen`: see `binhyen --help`.

fn main() -> std::process::ExitCode {
    binhyen_server::cli::main()
}
