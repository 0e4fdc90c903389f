//! Load benchmark: streaming chat completions through a release `netclaw-daemon` versus
//! straight to a fast loopback fake upstream. Prints requests/s, added p50/p99 latency, time to
//! first byte, and the daemon's RSS at idle and after load.
//!
//! Run: `cargo bench -p netclaw-daemon --bench gateway_load` (`-- --secs N` sets the seconds
//! per run, default 5).
#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    reason = "a benchmark prints its figures"
)]

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::routing::post;
use futures_util::StreamExt;

const CHUNKS: usize = 8;

/// The fake upstream's streamed answer: role, eight words, finish, usage, `[DONE]`.
fn upstream_frames() -> Vec<Bytes> {
    let head = r#"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":"#;
    let mut frames = vec![Bytes::from(format!(
        "data: {head}[{{\"index\":0,\"delta\":{{\"role\":\"assistant\",\"content\":\"\"}},\"finish_reason\":null}}]}}\n\n"
    ))];
    for i in 0..CHUNKS {
        frames.push(Bytes::from(format!(
            "data: {head}[{{\"index\":0,\"delta\":{{\"content\":\"word{i} \"}},\"finish_reason\":null}}]}}\n\n"
        )));
    }
    frames.push(Bytes::from(format!(
        "data: {head}[{{\"index\":0,\"delta\":{{}},\"finish_reason\":\"stop\"}}],\"usage\":{{\"prompt_tokens\":5,\"completion_tokens\":8,\"total_tokens\":13}}}}\n\n"
    )));
    frames.push(Bytes::from_static(b"data: [DONE]\n\n"));
    frames
}

async fn start_upstream() -> SocketAddr {
    let frames = Arc::new(upstream_frames());
    let app = Router::new().route(
        "/v1/chat/completions",
        post(move |_body: Bytes| {
            let frames = frames.clone();
            async move {
                let stream = futures_util::stream::iter(
                    (0..frames.len())
                        .map(move |i| Ok::<_, std::convert::Infallible>(frames[i].clone())),
                );
                axum::response::Response::builder()
                    .header("content-type", "text/event-stream")
                    .body(Body::from_stream(stream))
                    .unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

struct Daemon {
    child: Child,
    base: String,
    token: String,
    _home: tempfile::TempDir,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_daemon(upstream: SocketAddr) -> Daemon {
    let home = tempfile::tempdir().unwrap();
    let config_dir = home.path().join("config");
    std::fs::create_dir_all(&config_dir).unwrap();
    let config = serde_json::json!({
        "configVersion": 1,
        "Providers": {"fake": {"Type": "openai-compatible", "Endpoint": format!("http://{upstream}/v1")}},
        "Models": {"Main": {"Provider": "fake", "ModelId": "m"}}
    });
    let mut file = std::fs::File::create(config_dir.join("netclaw.json")).unwrap();
    std::io::Write::write_all(&mut file, config.to_string().as_bytes()).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_netclaw-daemon"))
        .args([
            "--home",
            home.path().to_str().unwrap(),
            "--port",
            "0",
            "--foreground",
        ])
        .env("NETCLAW_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the daemon binary starts");
    let info_path = home.path().join("run/daemon.json");
    let started = Instant::now();
    let info: serde_json::Value = loop {
        if let Ok(text) = std::fs::read_to_string(&info_path)
            && let Ok(value) = serde_json::from_str(&text)
        {
            break value;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the daemon did not start"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    let token = std::fs::read_to_string(home.path().join("run/daemon.token")).unwrap();
    Daemon {
        child,
        base: format!("http://{}", info["address"].as_str().unwrap()),
        token,
        _home: home,
    }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

struct RunResult {
    rps: f64,
    p50: Duration,
    p99: Duration,
    ttfb_p50: Duration,
}

async fn run(
    url: &str,
    token: Option<&str>,
    model: &str,
    concurrency: usize,
    duration: Duration,
) -> RunResult {
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(concurrency)
        .build()
        .unwrap();
    let body = serde_json::json!({
        "model": model, "stream": true,
        "messages": [{"role": "user", "content": "hi"}]
    })
    .to_string();
    let deadline = Instant::now() + duration;
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let client = client.clone();
        let url = url.to_owned();
        let body = body.clone();
        let token = token.map(str::to_owned);
        workers.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            while Instant::now() < deadline {
                let start = Instant::now();
                let mut req = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body.clone());
                if let Some(t) = &token {
                    req = req.bearer_auth(t);
                }
                let response = req.send().await.unwrap();
                assert!(response.status().is_success(), "{}", response.status());
                let mut stream = response.bytes_stream();
                let mut ttfb = None;
                let mut bytes = 0;
                while let Some(chunk) = stream.next().await {
                    let chunk = chunk.unwrap();
                    if ttfb.is_none() && !chunk.is_empty() {
                        ttfb = Some(start.elapsed());
                    }
                    bytes += chunk.len();
                }
                assert!(bytes > 0);
                samples.push((start.elapsed(), ttfb.unwrap_or_default()));
            }
            samples
        }));
    }
    let began = Instant::now();
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    let elapsed = began.elapsed();
    let mut totals: Vec<_> = all.iter().map(|s| s.0).collect();
    let mut ttfbs: Vec<_> = all.iter().map(|s| s.1).collect();
    totals.sort();
    ttfbs.sort();
    let pick = |v: &[Duration], q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    RunResult {
        rps: all.len() as f64 / elapsed.as_secs_f64(),
        p50: pick(&totals, 0.50),
        p99: pick(&totals, 0.99),
        ttfb_p50: pick(&ttfbs, 0.50),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let secs = std::env::args()
        .skip_while(|a| a != "--secs")
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5u64);
    // The load generator gets its own runtime; the fake upstream runs on it too, like a fast
    // local model server would on the same machine.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let upstream = start_upstream().await;
        let daemon = start_daemon(upstream);
        let pid = daemon.child.id();
        let at_start = rss_kib(pid);
        // One warm-up request each way.
        let _ = run(&format!("http://{upstream}/v1/chat/completions"), None, "m", 1, Duration::from_millis(200)).await;
        let _ = run(&format!("{}/v1/chat/completions", daemon.base), Some(&daemon.token), "fake/m", 1, Duration::from_millis(200)).await;
        let idle = rss_kib(pid);
        println!("gateway_load: {CHUNKS}-chunk streaming chat completions, {secs} s per run, 2 cores shared by client, daemon and upstream");
        println!("{:>5} | {:>10} {:>10} {:>6} | {:>9} {:>9} {:>9} {:>9} | {:>9} {:>9} | {:>9} {:>9}",
            "conc", "direct/s", "daemon/s", "ratio", "dir p50", "dmn p50", "dir p99", "dmn p99", "add p50", "add p99", "dir ttfb", "dmn ttfb");
        for concurrency in [1usize, 16, 64] {
            let d = Duration::from_secs(secs);
            let direct = run(&format!("http://{upstream}/v1/chat/completions"), None, "m", concurrency, d).await;
            let via = run(&format!("{}/v1/chat/completions", daemon.base), Some(&daemon.token), "fake/m", concurrency, d).await;
            println!(
                "{concurrency:>5} | {:>10.0} {:>10.0} {:>5.0}% | {:>7.3}ms {:>7.3}ms {:>7.3}ms {:>7.3}ms | {:>7.3}ms {:>7.3}ms | {:>7.3}ms {:>7.3}ms",
                direct.rps, via.rps, 100.0 * via.rps / direct.rps,
                ms(direct.p50), ms(via.p50), ms(direct.p99), ms(via.p99),
                ms(via.p50.saturating_sub(direct.p50)), ms(via.p99.saturating_sub(direct.p99)),
                ms(direct.ttfb_p50), ms(via.ttfb_p50),
            );
        }
        let loaded = rss_kib(pid);
        println!(
            "daemon RSS: at start {:.1} MB, idle after warm-up {:.1} MB, after load {:.1} MB",
            at_start as f64 / 1024.0,
            idle as f64 / 1024.0,
            loaded as f64 / 1024.0
        );
    });
}
