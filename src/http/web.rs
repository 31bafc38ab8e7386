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
    asset!("api.js", "text/javascript; charset=utf-8"),
    asset!("app.js", "text/javascript; charset=utf-8"),
    asset!("chart.js", "text/javascript; charset=utf-8"),
    asset!("dashboard.js", "text/javascript; charset=utf-8"),
    asset!("dashboard-words.js", "text/javascript; charset=utf-8"),
    asset!("favicon.svg", "image/svg+xml"),
    asset!("style.css", "text/css; charset=utf-8"),
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

/// `GET /assets/NAME`.
#[handler]
pub(super) fn asset_file(Path(name): Path<String>) -> Response {
    serve(&name)
}
