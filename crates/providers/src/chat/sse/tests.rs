//! Unit tests of the SSE parser: framing rules and chunk-split independence.

use super::SseParser;

fn parse(chunks: &[&[u8]]) -> Vec<(String, String)> {
    let mut parser = SseParser::new();
    let mut events = Vec::new();
    for chunk in chunks {
        parser.feed(chunk, |event| {
            events.push((event.event.to_owned(), event.data.to_owned()));
        });
    }
    events
}

#[test]
fn joins_multi_line_data_and_skips_comments() {
    let events = parse(&[b": keep-alive\nevent: a\ndata: one\ndata:two\n\ndata: x\n\n"]);
    assert_eq!(
        events,
        vec![
            ("a".to_owned(), "one\ntwo".to_owned()),
            (String::new(), "x".to_owned())
        ]
    );
}

#[test]
fn accepts_crlf_and_lone_cr_line_endings() {
    let events = parse(&[b"data: a\r\n\r\ndata: b\r\rdata: c\n\n"]);
    let data: Vec<_> = events.into_iter().map(|(_, data)| data).collect();
    assert_eq!(data, vec!["a", "b", "c"]);
}

#[test]
fn event_without_data_is_not_dispatched_and_field_without_colon_is_empty() {
    let events = parse(&[b"event: ping\n\ndata\n\n"]);
    assert_eq!(events, vec![(String::new(), String::new())]);
}

#[test]
fn strips_a_byte_order_mark_split_across_chunks() {
    let events = parse(&[b"\xEF", b"\xBB", b"\xBFdata: x\n\n"]);
    assert_eq!(events, vec![(String::new(), "x".to_owned())]);
}

#[test]
fn unterminated_event_is_not_dispatched() {
    assert!(parse(&[b"data: partial\n"]).is_empty());
}

#[test]
fn every_split_gives_the_same_events() {
    let stream: &[u8] = b": c\r\nevent: e1\r\ndata: {\"a\":\"\xC3\xA9\"}\r\n\r\ndata: l1\ndata: l2\n\n\rdata: z\r\r";
    let whole = parse(&[stream]);
    assert_eq!(whole.len(), 3);
    for cut in 0..=stream.len() {
        assert_eq!(
            parse(&[&stream[..cut], &stream[cut..]]),
            whole,
            "cut at {cut}"
        );
    }
    let bytes: Vec<&[u8]> = stream.chunks(1).collect();
    assert_eq!(parse(&bytes), whole);
}
