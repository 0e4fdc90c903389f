//! Chat streaming speed: events per second through the SSE parser and the whole client, and
//! the latency a delta gains between its bytes being written on loopback and the caller
//! receiving it. Run with `cargo bench -p netclaw-providers --bench chat_sse`.
#![allow(
    missing_docs,
    reason = "criterion_group! defines an undocumented function"
)]
#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    reason = "a benchmark prints its figures and fails loudly"
)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures_util::StreamExt;
use netclaw_providers::bearer::{Bearer, StaticBearer};
use netclaw_providers::chat::{
    ChatClient, ChatRequest, ClientConfig, CodexClient, Message, SseParser, StreamEvent,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

const EVENTS: usize = 100_000;

fn delta(index: usize) -> String {
    format!(
        "event: response.output_text.delta\ndata: {{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"tok{index} \"}}\n\n"
    )
}

fn recorded_body(events: usize) -> Vec<u8> {
    let mut body = String::new();
    for index in 0..events {
        body.push_str(&delta(index));
    }
    body.push_str("event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r\",\"status\":\"completed\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n");
    body.into_bytes()
}

fn parser_throughput(c: &mut Criterion) {
    let body = recorded_body(EVENTS);
    let mut group = c.benchmark_group("sse_parser");
    group.throughput(Throughput::Elements(EVENTS as u64 + 1));
    group.bench_function("16KiB_chunks", |b| {
        b.iter(|| {
            let mut parser = SseParser::new();
            let mut count = 0_usize;
            for chunk in body.chunks(16 * 1024) {
                parser.feed(black_box(chunk), |event| {
                    count += event.data.len() & 1;
                });
            }
            black_box(count)
        });
    });
    group.finish();

    let mut parser = SseParser::new();
    let start = Instant::now();
    let mut events = 0_usize;
    for chunk in body.chunks(16 * 1024) {
        parser.feed(chunk, |_| events += 1);
    }
    let elapsed = start.elapsed();
    println!(
        "sse parser: {events} events in {elapsed:?} = {:.2} M events/s on one core",
        events as f64 / elapsed.as_secs_f64() / 1e6
    );
}

async fn read_request(socket: &mut TcpStream) {
    let mut buffer = Vec::new();
    let mut chunk = [0_u8; 8192];
    loop {
        let read = socket.read(&mut chunk).await.unwrap();
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap());
            while buffer.len() < end + 4 + length {
                let read = socket.read(&mut chunk).await.unwrap();
                buffer.extend_from_slice(&chunk[..read]);
            }
            return;
        }
    }
}

async fn write_chunk(socket: &mut TcpStream, data: &[u8]) {
    let mut frame = format!("{:x}\r\n", data.len()).into_bytes();
    frame.extend_from_slice(data);
    frame.extend_from_slice(b"\r\n");
    socket.write_all(&frame).await.unwrap();
}

const HEAD: &[u8] =
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";

fn codex_client(uri: &str) -> CodexClient {
    let bearer = Bearer {
        token: "bench".to_owned().into(),
        account_id: Some("acct".into()),
    };
    CodexClient::new(
        ClientConfig::new("openai", uri).with_bearer(Arc::new(StaticBearer::new("openai", bearer))),
    )
    .unwrap()
}

fn request() -> ChatRequest {
    ChatRequest::new("m", vec![Message::user("Hi")])
}

/// A server that streams the whole recorded body on each connection.
async fn bulk_server(body: Arc<Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = Arc::clone(&body);
            tokio::spawn(async move {
                read_request(&mut socket).await;
                socket.write_all(HEAD).await.unwrap();
                for chunk in body.chunks(16 * 1024) {
                    write_chunk(&mut socket, chunk).await;
                }
                write_chunk(&mut socket, b"").await;
            });
        }
    });
    format!("http://{address}")
}

fn client_throughput(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let body = Arc::new(recorded_body(EVENTS));
    let uri = runtime.block_on(bulk_server(body));
    let client = codex_client(&uri);
    let mut group = c.benchmark_group("codex_client_loopback");
    group.throughput(Throughput::Elements(EVENTS as u64 + 2));
    group.sample_size(10);
    group.bench_function("events", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let mut stream = client.stream(request());
                let mut count = 0_usize;
                while let Some(item) = stream.next().await {
                    item.unwrap();
                    count += 1;
                }
                assert_eq!(count, EVENTS + 2);
            });
        });
    });
    group.finish();
}

fn delta_latency(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (command_tx, mut command_rx) = mpsc::unbounded_channel::<()>();
    let (written_tx, mut written_rx) = mpsc::unbounded_channel::<Instant>();
    let uri = runtime.block_on(async move {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            socket.set_nodelay(true).unwrap();
            read_request(&mut socket).await;
            socket.write_all(HEAD).await.unwrap();
            let mut index = 0;
            while command_rx.recv().await.is_some() {
                let data = delta(index);
                index += 1;
                let written_at = Instant::now();
                write_chunk(&mut socket, data.as_bytes()).await;
                written_tx.send(written_at).unwrap();
            }
        });
        format!("http://{address}")
    });
    let client = codex_client(&uri);
    let mut stream = client.stream(request());
    let mut samples = Vec::new();
    let mut measure = |stream: &mut netclaw_providers::chat::ChatStream| {
        runtime.block_on(async {
            command_tx.send(()).unwrap();
            let event = stream.next().await.unwrap().unwrap();
            let yielded_at = Instant::now();
            assert!(matches!(event, StreamEvent::TextDelta { .. }));
            yielded_at - written_rx.recv().await.unwrap()
        })
    };
    for _ in 0..100 {
        measure(&mut stream);
    }
    c.bench_function("delta_write_to_yield_latency", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let latency = measure(&mut stream);
                samples.push(latency);
                total += latency;
            }
            total
        });
    });
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    println!(
        "delta latency (loopback write → caller), {} samples: median {:?}, p99 {:?}, max {:?}",
        samples.len(),
        at(0.5),
        at(0.99),
        samples[samples.len() - 1]
    );
}

criterion_group!(benches, parser_throughput, client_throughput, delta_latency);
criterion_main!(benches);
