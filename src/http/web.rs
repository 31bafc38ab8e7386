//! The web pages, served by the binary itself from files compiled into it (`web/`): no other
//! server, no Node.js and no network beyond this server needed to use them. `GET /` is the
//! dashboard; `GET /assets/NAME` the other files. Every page is sent with a Content Security
//! Policy that allows nothing from anywhere but this server, so a page cannot reach a CDN even
//! by mistake (the browser tests check no request leaves).

use poem::http::StatusCode;
use poem::web::Path;
use poem::{IntoResponse, Response, handler};

/// One embedded file: its name under `/assets/`, its content type, its bytes.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

macro_rules! asset {
    ($name:literal, $type:literal) => {
        Asset {
            name: $name,
            content_type: $type,
            bytes: include_bytes!(concat!("../../web/", $name)),
        }
    };
}

/// Every file the pages use. A file added to `web/` is served once it is listed here.
const ASSETS: &[Asset] = &[
    asset!("index.html", "text/html; charset=utf-8"),
    // The dashboard: the shell and router, its views and charts.
    asset!("app.js", "text/javascript; charset=utf-8"),
    asset!("chart.js", "text/javascript; charset=utf-8"),
    asset!("dashboard.js", "text/javascript; charset=utf-8"),
    asset!("dashboard-words.js", "text/javascript; charset=utf-8"),
    asset!("style.css", "text/css; charset=utf-8"),
    asset!("favicon.svg", "image/svg+xml"),
    asset!("api.js", "text/javascript; charset=utf-8"),
    // The studio host's page (#/studio) and HR's import page (#/import).
    asset!("studio.js", "text/javascript; charset=utf-8"),
    asset!("import.js", "text/javascript; charset=utf-8"),
    asset!("pages-common.js", "text/javascript; charset=utf-8"),
    asset!("pages.css", "text/css; charset=utf-8"),
    // GraphiQL (`GET /graphql`): our bootstrap, then the vendored builds (web/vendor/README.md).
    asset!("graphiql.js", "text/javascript; charset=utf-8"),
    asset!(
        "vendor/graphiql/graphiql.min.js",
        "text/javascript; charset=utf-8"
    ),
    asset!(
        "vendor/graphiql/graphiql.min.css",
        "text/css; charset=utf-8"
    ),
    asset!(
        "vendor/graphiql/react.production.min.js",
        "text/javascript; charset=utf-8"
    ),
    asset!(
        "vendor/graphiql/react-dom.production.min.js",
        "text/javascript; charset=utf-8"
    ),
];

/// Only this server: scripts, styles, images, fonts and requests alike.
const CSP: &str = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; \
                   script-src 'self'; connect-src 'self'; object-src 'none'; \
                   base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

fn serve(name: &str) -> Response {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(asset) => Response::builder()
            .content_type(asset.content_type)
            .header("content-security-policy", CSP)
            .header("x-content-type-options", "nosniff")
            .header("referrer-policy", "no-referrer")
            // The files change only with the binary; revalidating each load costs little.
            .header("cache-control", "no-cache")
            .body(asset.bytes),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `GET /`: the dashboard.
#[handler]
pub(super) fn index() -> Response {
    serve("index.html")
}

/// `GET /favicon.ico`, which browsers ask for whatever the page says: the icon, as SVG.
#[handler]
pub(super) fn favicon() -> Response {
    serve("favicon.svg")
}

/// `GET /assets/NAME`, where NAME may name a file in a folder (`vendor/graphiql/…`): it is
/// looked up whole, so only the files listed are served.
#[handler]
pub(super) fn asset_file(Path(name): Path<String>) -> Response {
    serve(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file under `web/` a page may load is in the table: a file added but not listed
    /// would answer 404 only in a browser. Tests, notes and the e2e tooling are not served.
    #[test]
    fn every_page_file_is_served() {
        fn walk(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if path.is_dir() {
                    if name != "e2e" {
                        walk(&path, base, out);
                    }
                } else if !name.ends_with(".md") && !name.contains("LICENSE") {
                    out.push(name);
                }
            }
        }
        let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web");
        let mut files = Vec::new();
        walk(&base, &base, &mut files);
        let unlisted: Vec<&String> = files
            .iter()
            .filter(|f| !ASSETS.iter().any(|a| a.name == f.as_str()))
            .collect();
        assert!(
            unlisted.is_empty(),
            "web/ files not in ASSETS: {unlisted:?}"
        );
        assert!(files.len() >= ASSETS.len());
    }
}
