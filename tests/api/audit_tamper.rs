//! The informed attacks on the audit trail, made with the database alone (SQL through
//! the store's connection, triggers dropped; no keyring, no checkpoint key): cutting
//! records off the end and fixing the head, editing a record and recomputing the rest
//! of the chain, erasing one case's records and rechaining, appending a forged record.
//! The keyed links find every recomputation; a signed checkpoint taken beforehand
//! finds each of the four, including those a chain in the database alone cannot show.

use std::process::{Command, Output};

use sanctuary_domain::audit::{AuditFacts, Checkpoint, GENESIS, link_hash};
use sanctuary_persistence::audit::Verdict;
use sanctuary_persistence::entities::audit_event;
use sanctuary_server::checkpoint::{self, Signer};
use sea_orm::{ConnectionTrait, DatabaseBackend, EntityTrait, QueryOrder};
use uuid::Uuid;

use crate::support::fixtures;
use crate::support::{TestApp, test_keyring};

async fn exec(app: &TestApp, sql: &str) {
    app.store
        .connection()
        .execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// What the database's owner can do first: drop the append-only triggers.
async fn drop_triggers(app: &TestApp) {
    let drop: &[&str] = match app.store.connection().get_database_backend() {
        DatabaseBackend::Postgres => &["DROP TRIGGER audit_events_append_only ON audit_events"],
        _ => &[
            "DROP TRIGGER audit_events_no_update",
            "DROP TRIGGER audit_events_no_delete",
        ],
    };
    for sql in drop {
        exec(app, sql).await;
    }
}

async fn records(app: &TestApp) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .order_by_asc(audit_event::Column::Seq)
        .all(app.store.connection())
        .await
        .unwrap()
}

/// Replaces the whole trail with `records` and points the head at the last of them.
async fn rewrite(app: &TestApp, records: &[audit_event::Model]) {
    exec(app, "DELETE FROM audit_events").await;
    for chunk in records.chunks(100) {
        audit_event::Entity::insert_many(
            chunk
                .iter()
                .cloned()
                .map(audit_event::ActiveModel::from)
                .collect::<Vec<_>>(),
        )
        .exec_without_returning(app.store.connection())
        .await
        .unwrap();
    }
    let (seq, hash) = records
        .last()
        .map_or((0, GENESIS.to_owned()), |m| (m.seq, m.hash.clone()));
    exec(
        app,
        &format!("UPDATE audit_head SET seq = {seq}, hash = '{hash}' WHERE id = 1"),
    )
    .await;
}

fn facts(m: &audit_event::Model) -> AuditFacts<'_> {
    AuditFacts {
        seq: m.seq,
        id: m.id,
        at_micros: m.at.unix_timestamp_nanos() / 1_000,
        actor_subject: &m.actor_subject,
        organisation_id: m.organisation_id,
        role: m.role.as_deref(),
        action: &m.action,
        scheme_id: m.scheme_id,
        case_id: m.case_id,
        fields: &m.fields,
        request_id: m.request_id.as_deref(),
        outcome: &m.outcome,
    }
}

/// How the attacker rechains: the algorithm is public, the MAC key is not, so the best
/// they can do is the unkeyed link — either naming no key (as records from before
/// keyed links do) or keeping the key id the record had.
#[derive(Debug, Clone, Copy)]
enum Rechain {
    Unkeyed,
    KeepKeyId,
}

/// Renumbers `records` from 1 and recomputes every link from index `from` on.
fn rechain(records: &mut [audit_event::Model], from: usize, how: Rechain) {
    let mut prev = GENESIS.to_owned();
    for (i, m) in records.iter_mut().enumerate() {
        if i >= from {
            m.seq = i as i64 + 1;
            m.prev_hash = prev.clone();
            if let Rechain::Unkeyed = how {
                m.mac_key_id = None;
            }
            m.hash = link_hash(&m.prev_hash, &facts(m));
        }
        prev = m.hash.clone();
    }
}

async fn verdict(app: &TestApp, checkpoints: &[Checkpoint]) -> Verdict {
    checkpoint::verify(&app.store, checkpoints).await.unwrap()
}

fn broken(verdict: &Verdict) -> bool {
    matches!(verdict, Verdict::Broken { .. })
}

/// A trail of three cases, the middle one's records among the others'.
async fn busy_app() -> (TestApp, Uuid) {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let case = app.refer_ok(&w.harbour, &fixtures::minimal()).await;
        ids.push(case["id"].as_str().unwrap().to_owned());
    }
    for id in ids.iter().chain(&ids) {
        app.read(&w.council, "coordinator", id).await;
    }
    (app, ids[1].parse().unwrap())
}

#[tokio::test]
async fn each_informed_attack_with_the_database_alone_is_detected() {
    let (app, erased_case) = busy_app().await;
    let dir = tempfile::tempdir().unwrap();
    let signer = Signer::load_or_create(&dir.path().join(checkpoint::KEY_FILE)).unwrap();
    let checkpoint = checkpoint::take(&app.store, &signer, &[]).await.unwrap();
    let original = records(&app).await;
    let n = original.len() as i64;
    assert_eq!(checkpoint.seq, n);
    assert_eq!(checkpoint.hash, original.last().unwrap().hash);
    assert!(
        original
            .iter()
            .all(|m| m.mac_key_id.as_deref() == Some("test-1"))
    );
    let marks = std::slice::from_ref(&checkpoint);
    assert_eq!(verdict(&app, marks).await, Verdict::Intact { records: n });
    drop_triggers(&app).await;

    // (a) Truncation: the last three records cut off, the head set to the new end.
    // Every remaining link holds, so the chain alone cannot tell; the checkpoint does.
    let kept = &original[..original.len() - 3];
    rewrite(&app, kept).await;
    assert_eq!(
        verdict(&app, &[]).await,
        Verdict::Intact {
            records: kept.len() as i64
        },
        "truncation is invisible to the chain alone"
    );
    let found = verdict(&app, marks).await;
    assert!(
        matches!(&found, Verdict::Broken { seq, reason } if *seq == n - 2 && reason.contains("removed")),
        "{found:?}"
    );
    rewrite(&app, &original).await;
    assert_eq!(verdict(&app, marks).await, Verdict::Intact { records: n });

    // (b) One record edited (a read made to look like another organisation's) and the
    // rest of the chain recomputed. The attacker has no MAC key: the links they can
    // compute are unkeyed, and the first one after a keyed record gives them away.
    let at = original.len() / 2;
    for how in [Rechain::Unkeyed, Rechain::KeepKeyId] {
        let mut edited = original.clone();
        edited[at].organisation_id = Some(app.world.stranger.id);
        rechain(&mut edited, at, how);
        rewrite(&app, &edited).await;
        let found = verdict(&app, &[]).await;
        assert!(
            matches!(found, Verdict::Broken { seq, .. } if seq == at as i64 + 1),
            "{how:?}: {found:?}"
        );
        assert!(broken(&verdict(&app, marks).await), "{how:?}");
    }
    // Recomputing the whole chain as if it all predated keyed links passes the chain
    // alone (it is indistinguishable from an old unkeyed trail), not the checkpoint.
    let mut edited = original.clone();
    edited[at].organisation_id = Some(app.world.stranger.id);
    rechain(&mut edited, 0, Rechain::Unkeyed);
    rewrite(&app, &edited).await;
    assert_eq!(verdict(&app, &[]).await, Verdict::Intact { records: n });
    let found = verdict(&app, marks).await;
    assert!(
        matches!(&found, Verdict::Broken { seq, reason } if *seq == n && reason.contains("rewritten")),
        "{found:?}"
    );
    rewrite(&app, &original).await;
    assert_eq!(verdict(&app, marks).await, Verdict::Intact { records: n });

    // (c) One case's records erased and the rest renumbered and rechained.
    let first = original
        .iter()
        .position(|m| m.case_id == Some(erased_case))
        .unwrap();
    assert!(first > 0, "the erased case is not the first in the trail");
    for (from, how) in [
        (first, Rechain::Unkeyed),
        (first, Rechain::KeepKeyId),
        (0, Rechain::Unkeyed),
    ] {
        let mut erased: Vec<_> = original
            .iter()
            .filter(|m| m.case_id != Some(erased_case))
            .cloned()
            .collect();
        assert!(erased.len() < original.len());
        rechain(&mut erased, from, how);
        rewrite(&app, &erased).await;
        let alone = verdict(&app, &[]).await;
        if from > 0 {
            assert!(
                matches!(alone, Verdict::Broken { seq, .. } if seq == first as i64 + 1),
                "{how:?}: {alone:?}"
            );
        }
        let found = verdict(&app, marks).await;
        assert!(broken(&found), "from {from}, {how:?}: {found:?}");
    }
    rewrite(&app, &original).await;
    assert_eq!(verdict(&app, marks).await, Verdict::Intact { records: n });

    // (d) A forged read appended (the stranger reading the erased case), with the head
    // moved on: unkeyed, or claiming the current key with the best link it can make.
    for how in [Rechain::Unkeyed, Rechain::KeepKeyId] {
        let mut forged = original.clone();
        let mut extra = original.last().unwrap().clone();
        extra.id = Uuid::now_v7();
        extra.organisation_id = Some(app.world.stranger.id);
        extra.case_id = Some(erased_case);
        extra.action = "view_case".into();
        forged.push(extra);
        let last = forged.len() - 1;
        rechain(&mut forged, last, how);
        rewrite(&app, &forged).await;
        let found = verdict(&app, &[]).await;
        assert!(
            matches!(found, Verdict::Broken { seq, .. } if seq == n + 1),
            "{how:?}: {found:?}"
        );
        assert!(broken(&verdict(&app, marks).await), "{how:?}");
    }
    // Inserted before the checkpoint instead, and the rest rechained: also found.
    let mut inserted = original.clone();
    let mut extra = original[at].clone();
    extra.id = Uuid::now_v7();
    extra.action = "view_timeline".into();
    inserted.insert(at, extra);
    rechain(&mut inserted, at, Rechain::Unkeyed);
    rewrite(&app, &inserted).await;
    assert!(broken(&verdict(&app, &[]).await));
    assert!(broken(&verdict(&app, marks).await));

    // Restored, it all holds again, and the service goes on appending keyed records.
    rewrite(&app, &original).await;
    app.read(&app.world.council, "coordinator", &erased_case.to_string())
        .await;
    assert_eq!(
        verdict(&app, marks).await,
        Verdict::Intact { records: n + 1 }
    );
}

#[tokio::test]
async fn checkpoints_are_only_taken_of_an_intact_chain_and_cannot_be_forged() {
    let (app, _) = busy_app().await;
    let dir = tempfile::tempdir().unwrap();
    let signer = Signer::load_or_create(&dir.path().join(checkpoint::KEY_FILE)).unwrap();
    let first = checkpoint::take(&app.store, &signer, &[]).await.unwrap();
    app.read(&app.world.council, "coordinator", &first_case(&app).await)
        .await;
    let second = checkpoint::take(&app.store, &signer, std::slice::from_ref(&first))
        .await
        .unwrap();
    assert_eq!(second.seq, first.seq + 1);
    let file = dir.path().join("checkpoints.jsonl");
    checkpoint::append(&file, &first).unwrap();
    checkpoint::append(&file, &second).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count(), 2);
    let marks = checkpoint::parse(&text, &signer.verifier()).unwrap();
    assert_eq!(marks, [first.clone(), second.clone()]);

    // Editing a checkpoint to fit a shortened trail breaks its signature.
    let shortened = text.replace(
        &format!("\"seq\":{}", second.seq),
        &format!("\"seq\":{}", first.seq),
    );
    assert_ne!(shortened, text);
    let refused = checkpoint::parse(&shortened, &signer.verifier()).unwrap_err();
    assert!(refused.to_string().contains("line 2"), "{refused}");
    // Another key's checkpoints are refused.
    let other = Signer::load_or_create(&dir.path().join("other.pem")).unwrap();
    assert!(checkpoint::parse(&text, &other.verifier()).is_err());

    // A broken chain gets no checkpoint.
    drop_triggers(&app).await;
    exec(
        &app,
        "UPDATE audit_events SET fields = 'view:contractor' WHERE seq = 2",
    )
    .await;
    let refused = checkpoint::take(&app.store, &signer, &marks)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("broken at record 2"),
        "{refused}"
    );
}

async fn first_case(app: &TestApp) -> String {
    records(app)
        .await
        .iter()
        .find_map(|m| m.case_id)
        .unwrap()
        .to_string()
}

/// The `sanctuary` binary, on this test's database, with only the settings given here.
fn sanctuary(app: &TestApp, data_dir: &std::path::Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sanctuary"));
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("SANCTUARY_")) {
        command.env_remove(name);
    }
    command
        .args(args)
        .env("SANCTUARY_DATABASE_URL", app.database_url())
        .env("SANCTUARY_DATA_DIR", data_dir)
        .env("SANCTUARY_DEMO", "false")
        .env("SANCTUARY_ENCRYPTION__KEYS", test_keyring())
        .env("SANCTUARY_LOG__LEVEL", "warn")
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn the_cli_checkpoints_the_trail_and_verify_finds_a_truncation() {
    let (app, _) = busy_app().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("checkpoints.jsonl");
    let file_arg = file.to_str().unwrap();

    let printed = sanctuary(&app, dir.path(), &["audit", "checkpoint"]);
    assert!(printed.status.success(), "{}", text(&printed));
    let line: Checkpoint = serde_json::from_slice(&printed.stdout).unwrap();
    let n = records(&app).await.len() as i64;
    assert_eq!(line.seq, n);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = dir.path().join(checkpoint::KEY_FILE);
        let mode = std::fs::metadata(key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the signing key is its owner's only");
    }
    let appended = sanctuary(
        &app,
        dir.path(),
        &["audit", "checkpoint", "--out", file_arg],
    );
    assert!(appended.status.success(), "{}", text(&appended));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the checkpoint file is its owner's only"
        );
    }
    let ok = sanctuary(
        &app,
        dir.path(),
        &["audit", "verify", "--checkpoints", file_arg],
    );
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("1 checkpoint(s) hold"), "{}", text(&ok));

    // A verifier holding only the public key.
    let public = sanctuary(&app, dir.path(), &["audit", "public-key"]);
    assert!(public.status.success(), "{}", text(&public));
    let auditor = tempfile::tempdir().unwrap();
    let public_file = auditor.path().join("checkpoint.pub.pem");
    std::fs::write(&public_file, &public.stdout).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_sanctuary"));
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("SANCTUARY_")) {
        command.env_remove(name);
    }
    let by_public = command
        .args(["audit", "verify", "--checkpoints", file_arg])
        .env("SANCTUARY_DATABASE_URL", app.database_url())
        .env("SANCTUARY_DATA_DIR", auditor.path())
        .env("SANCTUARY_DEMO", "false")
        .env("SANCTUARY_ENCRYPTION__KEYS", test_keyring())
        .env("SANCTUARY_AUDIT__CHECKPOINT_PUBLIC_KEY_FILE", &public_file)
        .output()
        .unwrap();
    assert!(by_public.status.success(), "{}", text(&by_public));
    assert!(
        !auditor.path().join(checkpoint::KEY_FILE).exists(),
        "verifying never creates a signing key"
    );

    // The owner cuts the last record off and fixes the head.
    drop_triggers(&app).await;
    let all = records(&app).await;
    rewrite(&app, &all[..all.len() - 1]).await;
    let plain = sanctuary(&app, dir.path(), &["audit", "verify"]);
    assert!(plain.status.success(), "{}", text(&plain));
    let caught = sanctuary(
        &app,
        dir.path(),
        &["audit", "verify", "--checkpoints", file_arg],
    );
    assert!(!caught.status.success(), "{}", text(&caught));
    assert!(
        text(&caught).contains(&format!("audit trail broken at record {n}")),
        "{}",
        text(&caught)
    );
    // And a checkpoint is no longer taken over the shortened trail.
    let refused = sanctuary(
        &app,
        dir.path(),
        &["audit", "checkpoint", "--out", file_arg],
    );
    assert!(!refused.status.success(), "{}", text(&refused));
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 1);
}

#[tokio::test]
async fn records_from_before_keyed_links_still_verify_and_keyed_ones_follow_them() {
    let (app, case) = busy_app().await;
    // The trail as an older version wrote it: unkeyed SHA-256 links, no key ids.
    drop_triggers(&app).await;
    let mut old = records(&app).await;
    let n = old.len() as i64;
    rechain(&mut old, 0, Rechain::Unkeyed);
    rewrite(&app, &old).await;
    assert_eq!(verdict(&app, &[]).await, Verdict::Intact { records: n });

    // The service appends keyed records after them.
    app.read(&app.world.council, "coordinator", &case.to_string())
        .await;
    assert_eq!(verdict(&app, &[]).await, Verdict::Intact { records: n + 1 });
    let unkeyed = sanctuary_persistence::audit::unkeyed_records(app.store.connection())
        .await
        .unwrap();
    assert_eq!(unkeyed, n as u64);
    let now = records(&app).await;
    assert_eq!(now.last().unwrap().mac_key_id.as_deref(), Some("test-1"));

    // An unkeyed record after the keyed one is a break, even with a correct link.
    let mut more = now.clone();
    let mut extra = now.last().unwrap().clone();
    extra.id = Uuid::now_v7();
    more.push(extra);
    let last = more.len() - 1;
    rechain(&mut more, last, Rechain::Unkeyed);
    rewrite(&app, &more).await;
    let found = verdict(&app, &[]).await;
    assert!(
        matches!(&found, Verdict::Broken { seq, reason } if *seq == n + 2 && reason.contains("unkeyed")),
        "{found:?}"
    );
}
