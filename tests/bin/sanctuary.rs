//! The `sanctuary` binary again, as a target of the black-box package: cargo builds a
//! package's binaries before its integration tests and tells them where
//! (`CARGO_BIN_EXE_…`), so the crash test runs the real binary on a clean checkout.
fn main() -> std::process::ExitCode {
    sanctuary_server::cli::run()
}
