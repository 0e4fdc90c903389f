//! Probe records written by several processes at once are all kept.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use netclaw_config::Paths;

use super::ProbeBook;
use crate::probe::{ProbeClass, ProbeReport};

#[test]
fn probes_recorded_at_once_are_all_kept() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path().join("home"));
    let start = Arc::new(Barrier::new(8));
    let writers: Vec<_> = (0..8)
        .map(|i| {
            let (paths, start) = (paths.clone(), Arc::clone(&start));
            std::thread::spawn(move || {
                // Each thread is its own book, as each process is.
                let book = ProbeBook::persistent(&paths);
                start.wait();
                for round in 0..5 {
                    let mut report = ProbeReport::failed(ProbeClass::Ok, "");
                    report.latency = Duration::from_millis(round);
                    book.record(
                        &format!("p{i}-{round}"),
                        &report,
                        jiff::Timestamp::UNIX_EPOCH,
                    );
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    assert_eq!(ProbeBook::persistent(&paths).all().len(), 40);
}

#[test]
fn a_record_is_found_ignoring_case_and_follows_a_rename() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path().join("home"));
    let book = ProbeBook::persistent(&paths);
    let report = ProbeReport::failed(ProbeClass::Auth, "no");
    book.record("Work", &report, jiff::Timestamp::UNIX_EPOCH);
    assert_eq!(book.last("work").unwrap().report.class, ProbeClass::Auth);
    book.forget("WORK", Some("office"));
    let reopened = ProbeBook::persistent(&paths);
    assert!(reopened.last("work").is_none());
    assert_eq!(reopened.last("office").unwrap().report, report);
}
