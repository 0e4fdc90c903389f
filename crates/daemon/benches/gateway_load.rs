//! Load benchmark: streaming chat completions through a release `netclaw-daemon` versus
//! straight to a fast loopback fake upstream, for the providers users have: one with no
//! credential (`keyless`), one with an API key (`key`), one logged in by OAuth (`oauth`, the
//! same Chat Completions wire) and a ChatGPT login on the Codex backend (`codex`, the Responses
//! wire, translated). Prints requests/s, added p50/p99 latency, time to first byte, the
//! daemon's CPU per request next to the keyless lane's, and its RSS at idle and after load.
//!
//! Run: `cargo bench -p netclaw-daemon --bench gateway_load` (`-- --secs N` sets the seconds
//! per run, default 3; `--rounds N` how many runs each figure is the median of, default 3).
//! Each row also shows the daemon's CPU time per request, which stays meaningful when other
//! work on the machine disturbs the requests/s.
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

/// The Codex backend's streamed answer for the same eight words.
fn responses_frames() -> Vec<Bytes> {
    let mut frames = vec![Bytes::from_static(
        b"event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"r1\"}}\n\n",
    )];
    for i in 0..CHUNKS {
        frames.push(Bytes::from(format!(
            "event: response.output_text.delta\ndata: {{\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"output_index\":0,\"content_index\":0,\"delta\":\"word{i} \"}}\n\n"
        )));
    }
    frames.push(Bytes::from_static(
        b"event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r1\",\"status\":\"completed\",\"usage\":{\"input_tokens\":5,\"output_tokens\":8,\"total_tokens\":13}}}\n\n",
    ));
    frames
}

/// A route answering every request with `frames`, one body chunk each.
fn streaming(frames: Vec<Bytes>) -> axum::routing::MethodRouter {
    let frames = Arc::new(frames);
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
    })
}

async fn start_upstream() -> SocketAddr {
    let app = Router::new()
        .route("/v1/chat/completions", streaming(upstream_frames()))
        .route(
            "/backend-api/codex/responses",
            streaming(responses_frames()),
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

/// The providers of the lanes, all at `upstream`: the keyless one by hand as a user would
/// write it, the others through the config store so their secrets are encrypted as usual.
fn write_home(home: &std::path::Path, upstream: SocketAddr) {
    use netclaw_config::{
        AuthMethod, ConfigStore, CredentialWrite, EnvSnapshot, OAuthOverrides, OAuthTokens, Paths,
        ProviderEntry, ProviderWrite,
    };
    use secrecy::SecretString;
    let config_dir = home.join("config");
    std::fs::create_dir_all(&config_dir).unwrap();
    let config = serde_json::json!({
        "configVersion": 2,
        "Providers": {"fake": {"Type": "openai-compatible", "Endpoint": format!("http://{upstream}/v1")}},
        "Models": {"Main": {"Provider": "fake", "ModelId": "m"}}
    });
    let mut file = std::fs::File::create(config_dir.join("netclaw.json")).unwrap();
    std::io::Write::write_all(&mut file, config.to_string().as_bytes()).unwrap();
    let env = EnvSnapshot::from_pairs([("HOME", home.to_str().unwrap())]);
    let store = ConfigStore::new(Paths::at(home), &env);
    let far = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 30);
    let tokens = |access: &str| OAuthTokens {
        access_token: SecretString::from(access),
        refresh_token: Some(SecretString::from("bench-refresh")),
        id_token: None,
        account_id: Some(SecretString::from("acct-bench")),
        expires_at: Some(far),
    };
    let entry = |type_key: &str, auth: AuthMethod, endpoint: String| {
        let mut entry = ProviderEntry::new(type_key);
        entry.auth_method = auth;
        entry.endpoint = Some(endpoint);
        entry.oauth = (auth != AuthMethod::ApiKey).then(|| OAuthOverrides {
            issuer: Some(format!("http://{upstream}")),
            client_id: Some("bench".to_owned()),
            ..OAuthOverrides::default()
        });
        entry
    };
    let providers = [
        (
            "key",
            entry(
                "openai-compatible",
                AuthMethod::ApiKey,
                format!("http://{upstream}/v1"),
            ),
            CredentialWrite::ApiKey(SecretString::from("sk-bench-key")),
        ),
        (
            "oauth",
            entry(
                "openai-compatible",
                AuthMethod::OAuthPkce,
                format!("http://{upstream}/v1"),
            ),
            CredentialWrite::OAuth(tokens("bench-access")),
        ),
        (
            "codex",
            entry(
                "openai",
                AuthMethod::OAuthPkce,
                format!("http://{upstream}/backend-api/codex"),
            ),
            CredentialWrite::OAuth(tokens("bench-codex-access")),
        ),
    ];
    for (name, entry, credentials) in providers {
        store
            .write_provider(name, ProviderWrite { entry, credentials })
            .unwrap();
    }
}

fn start_daemon(upstream: SocketAddr) -> Daemon {
    let home = tempfile::tempdir().unwrap();
    write_home(home.path(), upstream);
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

/// CPU time (user + system, all threads) the process has used so far.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the `(comm)`: state is field 3, utime 14, stime 15 (clock ticks of 10 ms).
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}

/// Where a run sends its requests and what it sends.
struct Target {
    path: &'static str,
    body: Bytes,
    token: Option<String>,
}

impl Target {
    /// A streaming chat completion for `model`.
    fn completions(model: &str, token: Option<&str>) -> Self {
        Self {
            path: "/v1/chat/completions",
            body: Bytes::from(
                serde_json::json!({
                    "model": model, "stream": true,
                    "messages": [{"role": "user", "content": "hi"}]
                })
                .to_string(),
            ),
            token: token.map(str::to_owned),
        }
    }

    /// What the Codex backend is sent, straight.
    fn codex_direct() -> Self {
        Self {
            path: "/backend-api/codex/responses",
            body: Bytes::from(
                serde_json::json!({
                    "model": "m", "stream": true, "store": false, "instructions": "",
                    "input": [{"type": "message", "role": "user",
                               "content": [{"type": "input_text", "text": "hi"}]}]
                })
                .to_string(),
            ),
            token: Some("bench-codex-access".to_owned()),
        }
    }
}

#[derive(Clone, Copy)]
struct RunResult {
    rps: f64,
    p50: Duration,
    p99: Duration,
    ttfb_p50: Duration,
    /// Daemon CPU time per request (only for runs through the daemon).
    cpu_per_request: Option<Duration>,
}

/// One request on a worker's own keep-alive connection: returns (total, time to first byte).
async fn one_request(
    sender: &mut hyper::client::conn::http1::SendRequest<http_body_util::Full<Bytes>>,
    request: http::Request<http_body_util::Full<Bytes>>,
) -> (Duration, Duration) {
    use http_body_util::BodyExt;
    let start = Instant::now();
    let response = sender.send_request(request).await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let mut body = response.into_body();
    let mut ttfb = None;
    let mut bytes = 0;
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.unwrap().into_data() {
            if ttfb.is_none() && !data.is_empty() {
                ttfb = Some(start.elapsed());
            }
            bytes += data.len();
        }
    }
    assert!(bytes > 0);
    (start.elapsed(), ttfb.unwrap_or_default())
}

/// `concurrency` workers, each on its own connection (opened before the clock starts), send
/// streaming requests back to back for `duration`. Raw hyper, no pool: the load generator
/// should cost as little as possible, the same for both targets.
async fn run(
    addr: SocketAddr,
    target: &Target,
    concurrency: usize,
    duration: Duration,
    daemon_pid: Option<u32>,
) -> RunResult {
    let body = target.body.clone();
    let path = target.path;
    let token = target.token.as_deref();
    let mut senders = Vec::new();
    for _ in 0..concurrency {
        let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        tcp.set_nodelay(true).unwrap();
        let (sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tcp))
                .await
                .unwrap();
        tokio::spawn(connection);
        senders.push(sender);
    }
    let authorization = token.map(|t| format!("Bearer {t}"));
    let cpu_before = daemon_pid.map(cpu_time);
    let began = Instant::now();
    let deadline = began + duration;
    let mut workers = Vec::new();
    for mut sender in senders {
        let body = body.clone();
        let authorization = authorization.clone();
        workers.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            loop {
                let mut request = http::Request::post(path)
                    .header("host", addr.to_string())
                    .header("content-type", "application/json");
                if let Some(value) = &authorization {
                    request = request.header("authorization", value);
                }
                let request = request
                    .body(http_body_util::Full::new(body.clone()))
                    .unwrap();
                samples.push(one_request(&mut sender, request).await);
                if Instant::now() >= deadline {
                    break;
                }
            }
            samples
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    let elapsed = began.elapsed();
    let cpu_per_request = daemon_pid
        .zip(cpu_before)
        .map(|(pid, before)| (cpu_time(pid) - before) / all.len().max(1) as u32);
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
        cpu_per_request,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The median of each figure over `rounds` (each figure on its own).
fn median_result(rounds: &[RunResult]) -> RunResult {
    let of = |f: &dyn Fn(&RunResult) -> f64| median(rounds.iter().map(f).collect());
    let dur =
        |f: &dyn Fn(&RunResult) -> Duration| Duration::from_secs_f64(of(&|r| f(r).as_secs_f64()));
    RunResult {
        rps: of(&|r| r.rps),
        p50: dur(&|r| r.p50),
        p99: dur(&|r| r.p99),
        ttfb_p50: dur(&|r| r.ttfb_p50),
        cpu_per_request: rounds[0]
            .cpu_per_request
            .map(|_| dur(&|r| r.cpu_per_request.unwrap_or_default())),
    }
}

fn arg(name: &str) -> Option<String> {
    std::env::args().skip_while(|a| a != name).nth(1)
}

fn verdict(ok: bool) -> &'static str {
    if ok { "PASS" } else { "MISS" }
}

fn main() {
    let secs: u64 = arg("--secs").and_then(|s| s.parse().ok()).unwrap_or(3);
    let rounds: usize = arg("--rounds").and_then(|s| s.parse().ok()).unwrap_or(3);
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
        let daemon_addr: SocketAddr = daemon.base.trim_start_matches("http://").parse().unwrap();
        let token = Some(daemon.token.as_str());
        let at_start = rss_kib(pid);
        let direct_completions = Target::completions("m", None);
        let lanes = [
            Lane { name: "keyless", via: Target::completions("fake/m", token), direct: &direct_completions },
            Lane { name: "key", via: Target::completions("key/m", token), direct: &direct_completions },
            Lane { name: "oauth", via: Target::completions("oauth/m", token), direct: &direct_completions },
            Lane { name: "codex", via: Target::completions("codex/m", token), direct: &Target::codex_direct() },
        ];
        // One request each way; the daemon builds its client for each provider on first use.
        for lane in &lanes {
            let _ = run(upstream, lane.direct, 1, Duration::ZERO, None).await;
            let _ = run(daemon_addr, &lane.via, 1, Duration::ZERO, None).await;
        }
        let after_first = rss_kib(pid);
        println!(
            "gateway_load: {CHUNKS}-chunk streaming chat completions; {secs} s per run, median of {rounds} rounds; \
             client, daemon and upstream share {} cores",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        println!(
            "{:>7} {:>5} | {:>9} {:>9} {:>6} | {:>8} {:>8} {:>8} {:>8} | {:>8} {:>8} | {:>8} {:>8} | {:>10} {:>8}",
            "lane", "conc", "direct/s", "daemon/s", "ratio", "dir p50", "dmn p50", "dir p99", "dmn p99",
            "add p50", "add p99", "dir ttfb", "dmn ttfb", "cpu/req", "vs keyless"
        );
        let mut rows = Vec::new();
        for concurrency in [1usize, 16, 64] {
            let d = Duration::from_secs(secs);
            let mut keyless_cpu = None;
            for lane in &lanes {
                let mut directs = Vec::new();
                let mut vias = Vec::new();
                for _ in 0..rounds {
                    directs.push(run(upstream, lane.direct, concurrency, d, None).await);
                    vias.push(run(daemon_addr, &lane.via, concurrency, d, Some(pid)).await);
                }
                let direct = median_result(&directs);
                let via = median_result(&vias);
                let add_p50 = via.p50.saturating_sub(direct.p50);
                let add_p99 = via.p99.saturating_sub(direct.p99);
                let cpu = via.cpu_per_request.unwrap_or_default();
                let keyless = *keyless_cpu.get_or_insert(cpu);
                let vs_keyless = cpu.as_secs_f64() / keyless.as_secs_f64().max(1e-9);
                println!(
                    "{:>7} {concurrency:>5} | {:>9.0} {:>9.0} {:>5.0}% | {:>6.3}ms {:>6.3}ms {:>6.3}ms {:>6.3}ms | {:>6.3}ms {:>6.3}ms | {:>6.3}ms {:>6.3}ms | {:>8.1}µs {:>7.0}%",
                    lane.name, direct.rps, via.rps, 100.0 * via.rps / direct.rps,
                    ms(direct.p50), ms(via.p50), ms(direct.p99), ms(via.p99),
                    ms(add_p50), ms(add_p99),
                    ms(direct.ttfb_p50), ms(via.ttfb_p50),
                    cpu.as_secs_f64() * 1e6, 100.0 * vs_keyless,
                );
                rows.push(Row { lane: lane.name, concurrency, ratio: via.rps / direct.rps, add_p50, add_p99, vs_keyless });
            }
        }
        let loaded = rss_kib(pid);
        let mb = |kib: u64| kib as f64 / 1024.0;
        println!(
            "daemon RSS: {:.1} MB at start, {:.1} MB idle after the first request, {:.1} MB after the load",
            mb(at_start), mb(after_first), mb(loaded)
        );
        println!("targets:");
        for row in &rows {
            let Row { lane, concurrency, ratio, add_p50, add_p99, vs_keyless } = *row;
            if concurrency == 64 {
                println!("  {} {lane} 64 streams: gateway serves {:.0}% of direct (target >= 35%)", verdict(ratio >= 0.35), 100.0 * ratio);
            }
            if concurrency == 1 {
                println!("  {} {lane} 1 stream: adds {:.3} ms p50 (target <= 0.10 ms)", verdict(add_p50 <= Duration::from_micros(100)), ms(add_p50));
                println!("  {} {lane} 1 stream: adds {:.3} ms p99 (target <= 0.30 ms)", verdict(add_p99 <= Duration::from_micros(300)), ms(add_p99));
            }
            if concurrency == 64 && (lane == "key" || lane == "oauth") {
                println!("  {} {lane} 64 streams: daemon CPU per request {:.0}% of keyless (target <= 110%)", verdict(vs_keyless <= 1.10), 100.0 * vs_keyless);
            }
        }
        let idle = at_start.max(after_first);
        println!("  {} idle RSS {:.1} MB (at start and after the first request; target <= 10 MB)", verdict(mb(idle) <= 10.0), mb(idle));
        println!("  {} RSS after the load {:.1} MB (target <= 30 MB)", verdict(mb(loaded) <= 30.0), mb(loaded));
    });
}

/// A kind of provider the daemon serves, and the direct path to compare it with.
struct Lane<'a> {
    name: &'static str,
    via: Target,
    direct: &'a Target,
}

/// One lane's figures at one concurrency.
#[derive(Clone, Copy)]
struct Row {
    lane: &'static str,
    concurrency: usize,
    ratio: f64,
    add_p50: Duration,
    add_p99: Duration,
    vs_keyless: f64,
}
