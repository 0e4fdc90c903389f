//! Concurrent probe records are all kept.

use std::sync::{Arc, Barrier};

use netclaw_config::Paths;
use netclaw_providers::probe::ProbeClass;

use super::{LastProbe, load, record};

#[test]
fn probes_recorded_at_once_are_all_kept() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path().join("home"));
    let start = Arc::new(Barrier::new(8));
    let writers: Vec<_> = (0..8)
        .map(|i| {
            let (paths, start) = (paths.clone(), Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                for round in 0..5 {
                    let probe = LastProbe {
                        status: ProbeClass::Ok,
                        message: None,
                        latency_ms: round,
                        at: jiff::Timestamp::UNIX_EPOCH,
                    };
                    record(&paths, &format!("p{i}-{round}"), probe);
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    assert_eq!(load(&paths).len(), 40);
}
