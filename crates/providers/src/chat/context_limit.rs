//! The context window a refusal states ("maximum context length is N tokens"), in the phrasings
//! of the servers netclaw talks to; the number is the model's real window, learnt the hard way.

/// Phrases followed by the window, as OpenAI, vLLM, LiteLLM, OpenRouter, llama.cpp and Gemini
/// write them.
const LEADS: &[&str] = &[
    "maximum context length is",
    "context length of",
    "context window of",
    "available context size (",
    "maximum number of tokens allowed (",
];

/// The window `detail` states, if it states one. Anthropic's `prompt is too long: 210000
/// tokens > 200000 maximum` puts it between `>` and `maximum`.
pub fn stated_context_window(detail: &str) -> Option<u32> {
    let lower = detail.to_ascii_lowercase();
    for lead in LEADS {
        if let Some(at) = lower.find(lead)
            && let Some(tokens) = leading_number(&lower[at + lead.len()..])
        {
            return Some(tokens);
        }
    }
    let (_, after) = lower.split_once('>')?;
    after
        .contains("maximum")
        .then(|| leading_number(after))
        .flatten()
}

/// The number at the start of `text` (spaces before it and thousands separators allowed); a
/// window below 256 tokens is no window a model has, so it is not one.
fn leading_number(text: &str) -> Option<u32> {
    let digits: String = text
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '_')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok().filter(|n| *n >= 256)
}

#[cfg(test)]
mod tests {
    use super::stated_context_window;

    #[test]
    fn each_servers_phrasing_gives_its_window() {
        let cases = [
            (
                "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens.",
                Some(128_000),
            ),
            (
                "This endpoint's maximum context length is 1,048,576 tokens. However, you requested about 1179348 tokens",
                Some(1_048_576),
            ),
            (
                "prompt is too long: 210034 tokens > 200000 maximum",
                Some(200_000),
            ),
            (
                "the request exceeds the available context size (4096 tokens), try increasing it",
                Some(4096),
            ),
            (
                "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
                Some(1_048_576),
            ),
            ("Your input exceeds the context window of this model.", None),
            ("context length exceeded", None),
            ("maximum context length is 12 tokens", None),
        ];
        for (detail, window) in cases {
            assert_eq!(stated_context_window(detail), window, "{detail}");
        }
    }
}
