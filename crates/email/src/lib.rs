//! Notification emails, the service's SMTP boundary. An organisation that registers a
//! `mailto:` webhook endpoint gets one short message per event it subscribed to, saying
//! what changed on which case and nothing about anyone ("Case DAR-2026-0012: works
//! ordered — open it in your system"). Sent through SMTP configured by URL
//! (`smtps://…`, or `smtp://…?tls=required`; plain `smtp://` only for a local relay).

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sanctuary_domain::events::{Event, EventType};

/// Sends notification emails.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Mailer")
    }
}

impl Mailer {
    /// A mailer for the SMTP server at `url`, sending as `from`.
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|_| "the SMTP URL is not valid".to_owned())?
            .build();
        let from = from
            .parse()
            .map_err(|_| "the sender address is not valid".to_owned())?;
        Ok(Self { transport, from })
    }

    /// Sends `event` to `to`; why not, in words with no personal data.
    pub async fn send(&self, to: &str, event: &Event) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|_| "not an email address".to_owned())?;
        let (subject, body) = message(event);
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|_| "the message could not be built".to_owned())?;
        self.transport.send(email).await.map(|_| ()).map_err(|e| {
            if e.is_permanent() {
                "the mail server refused the message".to_owned()
            } else {
                "the mail server could not be reached".to_owned()
            }
        })
    }
}

/// Whether `address` is an email address a notification can go to.
pub fn is_address(address: &str) -> bool {
    address.parse::<Mailbox>().is_ok_and(|m| m.name.is_none())
}

/// The subject and body for `event`: its type, the case's reference and scheme, when.
pub fn message(event: &Event) -> (String, String) {
    let what = describe(event);
    let when = event
        .timestamp
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    match (&event.data.reference, &event.data.scheme) {
        (Some(reference), Some(scheme)) => (
            format!("Case {reference}: {what}"),
            format!(
                "Case {reference} (scheme {scheme}): {what}, at {when}.\n\n\
                 Open it in your system for what your organisation may see of it.\n\
                 This message carries no personal data by design.\n"
            ),
        ),
        _ => (
            format!("Sanctuary: {what}"),
            format!(
                "{what}, at {when}.\n\nSee your organisation's webhooks in the Sanctuary \
                 Scheme API.\n"
            ),
        ),
    }
}

fn describe(event: &Event) -> String {
    match event.event_type {
        EventType::WebhookEndpointDisabled => {
            let id = event
                .data
                .endpoint_id
                .map(|i| i.to_string())
                .unwrap_or_default();
            format!("webhook endpoint {id} disabled after five days of failed deliveries")
        }
        t if t.is_register() => {
            let service = event
                .data
                .service
                .map_or("emergency services".to_owned(), |s| {
                    s.as_str().replace('_', " ")
                });
            let change = t.as_str().trim_start_matches("register.").replace('_', " ");
            format!("{service} register: {change}")
        }
        t => {
            let name = t.as_str().trim_start_matches("case.").replace('_', " ");
            match event.data.clock {
                Some(clock) => format!("{name} ({})", clock.as_str().replace('_', " ")),
                None => name,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctuary_domain::case::CaseStatus;
    use sanctuary_domain::clock::ClockKind;
    use sanctuary_domain::events::EventData;

    fn event(event_type: EventType, clock: Option<ClockKind>) -> Event {
        Event {
            id: uuid::Uuid::nil(),
            event_type,
            timestamp: time::macros::datetime!(2026-12-03 10:15 UTC),
            data: EventData {
                case_id: Some(uuid::Uuid::nil()),
                reference: Some("DAR-2026-0012".into()),
                scheme: Some("darlington".into()),
                status_before: Some(CaseStatus::WorksApproved),
                status_after: Some(CaseStatus::WorksOrdered),
                acting_organisation_id: None,
                clock,
                endpoint_id: None,
                register_entry_id: None,
                service: None,
            },
        }
    }

    #[test]
    fn a_message_says_what_happened_to_which_case_and_nothing_else() {
        let (subject, body) = message(&event(EventType::WorksOrdered, None));
        assert_eq!(subject, "Case DAR-2026-0012: works ordered");
        assert!(body.starts_with(
            "Case DAR-2026-0012 (scheme darlington): works ordered, at 2026-12-03T10:15:00Z."
        ));
        let (subject, _) = message(&event(
            EventType::ClockBreached,
            Some(ClockKind::Assessment),
        ));
        assert_eq!(subject, "Case DAR-2026-0012: clock breached (assessment)");
        let mut added = event(EventType::RegisterEntryAdded, None);
        added.data.service = Some(sanctuary_domain::register::EmergencyService::FireService);
        assert_eq!(
            message(&added).0,
            "Case DAR-2026-0012: fire service register: entry added"
        );
    }

    #[test]
    fn only_bare_addresses() {
        assert!(is_address("works@contractor.example"));
        assert!(!is_address("Works <works@contractor.example>"));
        assert!(!is_address("works"));
    }
}
