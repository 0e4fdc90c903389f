//! The standard OpenID provider the login tests run against (`tests/clients/oidc_provider.mjs`,
//! npm `oidc-provider` as it ships), and a small browser that plays the user on its login,
//! consent and device pages.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// A running `oidc-provider` with its OpenAI-compatible API at `{issuer}/v1`.
pub(crate) struct OidcPeer {
    child: Child,
    /// The issuer URL (`http://127.0.0.1:<port>`).
    pub(crate) issuer: String,
}

impl OidcPeer {
    /// Starts the provider; its `netclaw-web` client accepts exactly `web_redirect`.
    pub(crate) fn start(web_redirect: &str) -> Self {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/oidc_provider.mjs");
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("clients/node_modules/oidc-provider")
                .is_dir(),
            "oidc-provider is missing: run `npm ci` in tests/clients (`.ci/run` does)"
        );
        let mut child = Command::new("node")
            .arg(script)
            .arg(web_redirect)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut line).unwrap();
        // oidc-provider notes things on stdout as it serves; a closed pipe would kill it.
        std::thread::spawn(move || for _ in stdout.lines() {});
        let started: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("oidc-provider did not start ({e}): {line:?}"));
        Self {
            issuer: started["issuer"].as_str().unwrap().to_owned(),
            child,
        }
    }

    /// The OpenAI-compatible API behind the provider.
    pub(crate) fn api(&self) -> String {
        format!("{}/v1", self.issuer)
    }

    /// What netclaw sent to the authorize, device and token endpoints, per-run values named.
    pub(crate) async fn log(&self) -> Vec<Value> {
        reqwest::get(format!("{}/test/log", self.issuer))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Makes every access token issued so far stop working, as if its lifetime had passed.
    pub(crate) async fn expire_access_tokens(&self) {
        let reply = reqwest::Client::new()
            .post(format!("{}/test/expire", self.issuer))
            .send()
            .await
            .unwrap();
        assert!(reply.status().is_success());
    }
}

impl Drop for OidcPeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser without JavaScript: follows redirects, keeps cookies, and submits the first form
/// of each page, typing `login`/`password` on the login page and the user code where asked.
pub(crate) struct Browser {
    http: reqwest::Client,
    cookies: BTreeMap<String, String>,
    /// The user who logs in.
    user: String,
}

/// One step of a page walk.
enum Step {
    Get(String),
    Post(String, Vec<(String, String)>),
}

impl Browser {
    pub(crate) fn new(user: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
            user: user.to_owned(),
        }
    }

    /// Logs in and consents from `authorize_url` until the server redirects somewhere that is
    /// not itself (the client's redirect URI), and returns that URL without opening it.
    pub(crate) async fn authorize(&mut self, authorize_url: &str) -> String {
        let origin = origin_of(authorize_url);
        let mut step = Step::Get(authorize_url.to_owned());
        for _ in 0..20 {
            match self.visit(step, &origin, None).await {
                Visit::Redirect(to) if !to.starts_with(&origin) => return to,
                Visit::Redirect(to) => step = Step::Get(to),
                Visit::Form(next) => step = next,
                Visit::Page(body) => panic!("the login stopped on a page without a form:\n{body}"),
            }
        }
        panic!("the login did not redirect back after 20 pages");
    }

    /// Enters `user_code` at `verification_uri`, logs in and consents, and returns the text of
    /// the page the server ends on.
    pub(crate) async fn approve_device(
        &mut self,
        verification_uri: &str,
        user_code: &str,
    ) -> String {
        let origin = origin_of(verification_uri);
        let mut step = Step::Get(verification_uri.to_owned());
        for _ in 0..20 {
            match self.visit(step, &origin, Some(user_code)).await {
                Visit::Redirect(to) => step = Step::Get(to),
                Visit::Form(next) => step = next,
                Visit::Page(body) => return body,
            }
        }
        panic!("the device approval did not end after 20 pages");
    }

    async fn visit(&mut self, step: Step, origin: &str, user_code: Option<&str>) -> Visit {
        let request = match &step {
            Step::Get(url) => self.http.get(url),
            Step::Post(url, form) => self.http.post(url).form(form),
        };
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let reply = request.header("Cookie", cookie).send().await.unwrap();
        for set in reply.headers().get_all("set-cookie") {
            let pair = set.to_str().unwrap().split(';').next().unwrap();
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies
                    .insert(name.trim().to_owned(), value.to_owned());
            }
        }
        let status = reply.status();
        if status.is_redirection() {
            let location = reply.headers()["location"].to_str().unwrap().to_owned();
            let absolute = if location.starts_with('/') {
                format!("{origin}{location}")
            } else {
                location
            };
            return Visit::Redirect(absolute);
        }
        let body = reply.text().await.unwrap();
        assert!(status.is_success(), "{status}: {body}");
        match first_form(&body) {
            Some((action, mut fields)) => {
                for (name, value) in &mut fields {
                    match name.as_str() {
                        "login" => value.clone_from(&self.user),
                        "password" => *value = "any password".to_owned(),
                        "user_code" if value.is_empty() => {
                            *value = user_code.unwrap_or_default().to_owned();
                        }
                        _ => {}
                    }
                }
                let action = if action.starts_with('/') {
                    format!("{origin}{action}")
                } else {
                    action
                };
                Visit::Form(Step::Post(action, fields))
            }
            None => Visit::Page(body),
        }
    }
}

enum Visit {
    Redirect(String),
    Form(Step),
    Page(String),
}

fn origin_of(url: &str) -> String {
    let parsed = url::Url::parse(url).unwrap();
    parsed.origin().ascii_serialization()
}

/// The first `<form>`'s action and its inputs' names and values.
fn first_form(html: &str) -> Option<(String, Vec<(String, String)>)> {
    let start = html.find("<form")?;
    let end = html[start..].find("</form>")? + start;
    let form = &html[start..end];
    let action = attribute(&form[..form.find('>')?], "action")?;
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find("<input") {
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e);
        let tag = &rest[at..tag_end];
        if let Some(name) = attribute(tag, "name") {
            fields.push((name, attribute(tag, "value").unwrap_or_default()));
        }
        rest = &rest[tag_end..];
    }
    Some((action.replace("&amp;", "&"), fields))
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let at = tag
        .find(&needle)
        .or_else(|| tag.find(&format!("\n{name}=\"")))?
        + needle.len();
    let len = tag[at..].find('"')?;
    Some(tag[at..at + len].to_owned())
}
