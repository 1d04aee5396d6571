//! Captures everything the service logs, through the service's own subscriber builder,
//! at the most verbose level, so tests can assert what never reaches a log.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use sanctuary_server::config::LogFormat;
use sanctuary_server::telemetry;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

static BUFFER: OnceLock<Buffer> = OnceLock::new();

/// Installs the capturing subscriber (once per process).
pub fn capture() {
    BUFFER.get_or_init(|| {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber =
            telemetry::subscriber("trace", LogFormat::Json, move || writer.clone()).unwrap();
        tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
        buffer
    });
}

/// Everything logged so far in this process.
pub fn captured() -> String {
    let buffer = BUFFER.get().expect("capture() was called");
    String::from_utf8_lossy(&buffer.0.lock().unwrap()).into_owned()
}
