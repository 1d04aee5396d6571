fn main() -> std::process::ExitCode {
    sanctuary_server::cli::run()
}
