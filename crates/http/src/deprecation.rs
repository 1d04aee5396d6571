//! Deprecation notices (README, *Versioning and deprecation*): an operation to be
//! removed is marked `deprecated` in the contract and answers with `Deprecation`
//! (RFC 9745), `Sunset` (RFC 8594) and a `Link` to its successor, for at least six
//! months before it goes. [`CURRENT`] lists this release's: none.

use std::future::{Ready, ready};
use std::rc::Rc;
use std::sync::Arc;

use actix_web::Error;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::header::{HeaderName, HeaderValue};
use futures_util::future::LocalBoxFuture;
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{Date, Time};
use utoipa::openapi::OpenApi as Doc;

/// One deprecated operation, as the contract names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecation {
    /// Upper case, e.g. `GET`.
    pub method: &'static str,
    /// The path template, e.g. `/api/v1/cases/{id}`.
    pub path: &'static str,
    pub since: Date,
    /// At least six months after `since`.
    pub sunset: Date,
    /// What to use instead (a path or a URL), if anything.
    pub successor: Option<&'static str>,
}

/// The operations this release deprecates.
pub const CURRENT: &[Deprecation] = &[];

const HTTP_DATE: &[FormatItem<'static>] = format_description!(
    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
);

impl Deprecation {
    /// The headers its answers carry.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let midnight = |d: Date| d.with_time(Time::MIDNIGHT).assume_utc();
        let mut headers = vec![
            (
                "deprecation",
                format!("@{}", midnight(self.since).unix_timestamp()),
            ),
            (
                "sunset",
                midnight(self.sunset)
                    .format(HTTP_DATE)
                    .expect("a date formats"),
            ),
        ];
        if let Some(successor) = self.successor {
            headers.push(("link", format!("<{successor}>; rel=\"successor-version\"")));
        }
        headers
    }
}

/// Marks the deprecated operations in the contract.
pub fn mark_in_contract(doc: &mut Doc, deprecations: &[Deprecation]) {
    use utoipa::openapi::Deprecated;
    for d in deprecations {
        let Some(item) = doc.paths.paths.get_mut(d.path) else {
            continue;
        };
        let operation = match d.method {
            "GET" => item.get.as_mut(),
            "POST" => item.post.as_mut(),
            "PUT" => item.put.as_mut(),
            "PATCH" => item.patch.as_mut(),
            "DELETE" => item.delete.as_mut(),
            _ => None,
        };
        if let Some(operation) = operation {
            operation.deprecated = Some(Deprecated::True);
            let note = format!(
                "\n\n**Deprecated** since {}; removed after {}{}.",
                d.since,
                d.sunset,
                d.successor
                    .map(|s| format!(": use `{s}`"))
                    .unwrap_or_default()
            );
            let description = operation.description.get_or_insert_with(String::new);
            description.push_str(&note);
        }
    }
}

/// The middleware: adds the notice's headers to answers of deprecated operations.
#[derive(Clone)]
pub struct DeprecationHeaders(Arc<Vec<Deprecation>>);

impl DeprecationHeaders {
    pub fn new(deprecations: &[Deprecation]) -> Self {
        Self(Arc::new(deprecations.to_vec()))
    }
}

impl<S, B> Transform<S, ServiceRequest> for DeprecationHeaders
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = DeprecationMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(DeprecationMiddleware {
            service: Rc::new(service),
            deprecations: self.0.clone(),
        }))
    }
}

pub struct DeprecationMiddleware<S> {
    service: Rc<S>,
    deprecations: Arc<Vec<Deprecation>>,
}

impl<S, B> Service<ServiceRequest> for DeprecationMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = self.service.clone();
        let deprecations = self.deprecations.clone();
        Box::pin(async move {
            let mut response = service.call(req).await?;
            if deprecations.is_empty() {
                return Ok(response);
            }
            let method = response.request().method().as_str().to_owned();
            let pattern = response.request().match_pattern();
            let notice = pattern.and_then(|p| {
                deprecations
                    .iter()
                    .find(|d| d.method == method && d.path == p)
                    .cloned()
            });
            if let Some(notice) = notice {
                for (name, value) in notice.headers() {
                    if let Ok(value) = HeaderValue::from_str(&value) {
                        response
                            .headers_mut()
                            .insert(HeaderName::from_static(name), value);
                    }
                }
            }
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test as actix;
    use actix_web::{App, HttpResponse, web};
    use time::macros::date;

    use super::*;

    fn notice() -> Deprecation {
        Deprecation {
            method: "GET",
            path: "/api/v1/old/{id}",
            since: date!(2027 - 01 - 01),
            sunset: date!(2027 - 07 - 01),
            successor: Some("/api/v1/new/{id}"),
        }
    }

    #[test]
    fn the_headers_follow_rfc_9745_and_8594() {
        assert_eq!(
            notice().headers(),
            [
                ("deprecation", "@1798761600".to_owned()),
                ("sunset", "Thu, 01 Jul 2027 00:00:00 GMT".to_owned()),
                (
                    "link",
                    "</api/v1/new/{id}>; rel=\"successor-version\"".to_owned()
                ),
            ]
        );
    }

    #[actix_web::test]
    async fn only_the_deprecated_operation_answers_with_them() {
        let app = actix::init_service(
            App::new()
                .wrap(DeprecationHeaders::new(&[notice()]))
                .service(
                    web::scope("/api/v1")
                        .route("/old/{id}", web::get().to(HttpResponse::Ok))
                        .route("/old/{id}", web::post().to(HttpResponse::Ok))
                        .route("/new/{id}", web::get().to(HttpResponse::Ok)),
                ),
        )
        .await;
        let old = actix::call_service(
            &app,
            actix::TestRequest::get().uri("/api/v1/old/7").to_request(),
        )
        .await;
        let header = |name: &str| {
            old.headers()
                .get(name)
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(header("deprecation"), "@1798761600");
        assert_eq!(header("sunset"), "Thu, 01 Jul 2027 00:00:00 GMT");
        for request in [
            actix::TestRequest::post().uri("/api/v1/old/7"),
            actix::TestRequest::get().uri("/api/v1/new/7"),
        ] {
            let other = actix::call_service(&app, request.to_request()).await;
            assert!(!other.headers().contains_key("deprecation"));
        }
    }

    #[test]
    fn the_contract_marks_it() {
        let mut doc = crate::openapi();
        let live = Deprecation {
            path: "/api/v1/dash-questions",
            ..notice()
        };
        mark_in_contract(&mut doc, &[live]);
        let json = serde_json::to_value(&doc).unwrap();
        let op = &json["paths"]["/api/v1/dash-questions"]["get"];
        assert_eq!(op["deprecated"], true);
        assert!(
            op["description"]
                .as_str()
                .unwrap()
                .contains("removed after 2027-07-01")
        );
        // This release deprecates nothing.
        let released = serde_json::to_value(crate::openapi()).unwrap();
        assert!(!released.to_string().contains("\"deprecated\":true"));
    }
}
