//! Where the service may connect: `https://` URLs whose host resolves only to public
//! addresses (the domain's rule), checked at registration ([`check_url`]) and at every
//! connection ([`GuardedResolver`], and [`literal_refused`] for IP literals, which
//! bypass DNS), so a name that later resolves to an internal address is refused too.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use sanctuary_domain::webhooks::{Unreachable, check_address, check_scheme};

/// Why a URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("is not a URL")]
    Malformed,
    #[error("must be an https:// URL")]
    NotHttps,
    #[error("must not carry a user name or password")]
    Credentials,
    #[error("must not have a fragment")]
    Fragment,
    #[error("has a host that does not resolve")]
    Unresolved,
    #[error("resolves to a {} address, which the service does not connect to", .0.as_str())]
    Refused(Unreachable),
    #[error("is a mailto: address, but this deployment sends no email (webhooks.smtp_url)")]
    NoMail,
    #[error("is not a mailto: email address")]
    BadAddress,
}

/// Checks `url` for registration: its form, then every address its host resolves to;
/// a `mailto:` address (email notifications) only where email is configured.
pub async fn check_url(
    url: &str,
    loopback_allowed: bool,
    mail_allowed: bool,
) -> Result<Url, UrlError> {
    if let Some(address) = url.strip_prefix("mailto:") {
        if !mail_allowed {
            return Err(UrlError::NoMail);
        }
        if !sanctuary_email::is_address(address) {
            return Err(UrlError::BadAddress);
        }
        return Url::parse(url).map_err(|_| UrlError::BadAddress);
    }
    let parsed = Url::parse(url).map_err(|_| UrlError::Malformed)?;
    let host = parsed.host_str().ok_or(UrlError::Malformed)?.to_owned();
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(UrlError::Credentials);
    }
    if parsed.fragment().is_some() {
        return Err(UrlError::Fragment);
    }
    let port = parsed.port_or_known_default().ok_or(UrlError::Malformed)?;
    let addresses = resolve(&host, port).await?;
    let loopback = addresses.iter().all(|a| a.ip().is_loopback());
    check_scheme(parsed.scheme(), loopback, loopback_allowed).map_err(|_| UrlError::NotHttps)?;
    for address in &addresses {
        check_address(address.ip(), loopback_allowed).map_err(UrlError::Refused)?;
    }
    Ok(parsed)
}

/// For an IP-literal host (which no resolver sees), why the service will not connect.
pub fn literal_refused(url: &Url, loopback_allowed: bool) -> Option<Unreachable> {
    let host = url
        .host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']');
    let ip: IpAddr = host.parse().ok()?;
    check_address(ip, loopback_allowed).err()
}

async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, UrlError> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    // A registration waits for DNS only so long.
    let lookup = tokio::time::timeout(
        Duration::from_secs(5),
        tokio::net::lookup_host((host, port)),
    );
    let found: Vec<SocketAddr> = lookup
        .await
        .map_err(|_| UrlError::Unresolved)?
        .map_err(|_| UrlError::Unresolved)?
        .collect();
    if found.is_empty() {
        return Err(UrlError::Unresolved);
    }
    Ok(found)
}

/// The client's resolver: a name resolving to any refused address is not connected
/// to at all, so the connection is made only to addresses checked just now.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    pub loopback_allowed: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let loopback_allowed = self.loopback_allowed;
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            for address in &found {
                if let Err(why) = check_address(address.ip(), loopback_allowed) {
                    let refused: Box<dyn std::error::Error + Send + Sync> = Box::new(Refused(why));
                    return Err(refused);
                }
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// A connection refused by [`GuardedResolver`].
#[derive(Debug, Clone, Copy)]
pub struct Refused(pub Unreachable);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "refused: resolves to a {} address", self.0.as_str())
    }
}

impl std::error::Error for Refused {}

pub(crate) fn resolver(loopback_allowed: bool) -> Arc<GuardedResolver> {
    Arc::new(GuardedResolver { loopback_allowed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn urls_are_checked_for_form_and_address() {
        use UrlError as E;
        let cases = [
            ("not a url", E::Malformed),
            ("https://user:pw@example.org/hook", E::Credentials),
            ("https://example.org/hook#x", E::Fragment),
            ("http://127.0.0.1:9/hook", E::NotHttps),
            ("https://127.0.0.1/hook", E::Refused(Unreachable::Loopback)),
            ("https://10.0.0.8/hook", E::Refused(Unreachable::Private)),
            (
                "https://169.254.169.254/latest/meta-data",
                E::Refused(Unreachable::LinkLocal),
            ),
            ("https://[::1]/hook", E::Refused(Unreachable::Loopback)),
            (
                "https://[::ffff:10.0.0.1]/hook",
                E::Refused(Unreachable::Private),
            ),
            ("https://localhost/hook", E::Refused(Unreachable::Loopback)),
        ];
        for (url, expected) in cases {
            assert_eq!(
                check_url(url, false, false).await.unwrap_err(),
                expected,
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn loopback_http_only_when_allowed() {
        assert!(
            check_url("http://127.0.0.1:9/hook", true, false)
                .await
                .is_ok()
        );
        assert!(
            check_url("http://localhost:9/hook", true, false)
                .await
                .is_ok()
        );
        assert_eq!(
            check_url("http://10.0.0.1/hook", true, false)
                .await
                .unwrap_err(),
            UrlError::NotHttps
        );
    }

    #[tokio::test]
    async fn mailto_only_where_email_is_configured_and_only_addresses() {
        assert_eq!(
            check_url("mailto:team@council.example", false, false)
                .await
                .unwrap_err(),
            UrlError::NoMail
        );
        assert!(
            check_url("mailto:team@council.example", false, true)
                .await
                .is_ok()
        );
        for bad in [
            "mailto:not-an-address",
            "mailto:Team <team@council.example>",
        ] {
            assert_eq!(
                check_url(bad, false, true).await.unwrap_err(),
                UrlError::BadAddress
            );
        }
    }
}
