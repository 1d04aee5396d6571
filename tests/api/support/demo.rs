//! A server on the demo's set-up: the shipped Darlington organisations (with their fixed
//! ids), scheme and memberships, seeded exactly as demo mode seeds them, on a fresh
//! database of either kind. Demo mode itself runs only on SQLite (`demo_mode.rs`); this
//! is its data, with tokens from the test issuer.

use reqwest::{Client, RequestBuilder};
use sanctuary_server::Application;
use uuid::Uuid;

use super::db::TestDb;
use super::test_settings;
use super::tokens::TestKeys;

pub struct DemoApp {
    pub address: String,
    pub client: Client,
    _handle: actix_web::dev::ServerHandle,
    _db: TestDb,
}

impl DemoApp {
    pub async fn spawn() -> DemoApp {
        super::logs::capture();
        let db = TestDb::create().await;
        let settings = test_settings(&db);
        let app = Application::build(&settings, None)
            .await
            .expect("the app starts");
        let seeded = sanctuary_server::demo::seed_if_fresh(app.store())
            .await
            .expect("the demo set-up applies");
        assert!(seeded, "a fresh database is seeded");
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        DemoApp {
            address,
            client: Client::new(),
            _handle: handle,
            _db: db,
        }
    }

    /// A token of the demo organisation `name`, acting as `role`.
    pub fn token(&self, name: &str, role: &str) -> String {
        let id: Uuid = sanctuary_server::demo::demo_organisation_id(name)
            .unwrap_or_else(|| panic!("no demo organisation {name}"));
        TestKeys::get().token(id, &[role])
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.address))
    }
}

impl Drop for DemoApp {
    fn drop(&mut self) {
        drop(self._handle.stop(false));
    }
}
