//! Reports and templates as files: `GET /export/{counts,teachers,progress,balance}.{xlsx,csv}`
//! for authenticated users (the same Bearer token and permissions as the matching query), and
//! `GET /templates/{schools,teachers,designations,enrollments,training-records}.{xlsx,csv}` for
//! anyone — a
//! template is the import's empty sheet and holds nothing from the registry.
//!
//! A refusal is the same JSON as a GraphQL error (`{"errors":[{"message","extensions":{"code"}}]}`)
//! with the HTTP status its code calls for, so a script reads failures one way everywhere.

use std::time::Duration;

use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Request, Response, handler};
use uuid::Uuid;

use super::{AppState, endpoint::bearer, note_unreachable, refuse};
use crate::error::Error;
use crate::report::templates::{Template, template};
use crate::report::{ExportParams, Format, Report, export};
use crate::service::auth::authenticate;

/// The HTTP status for an error's code.
fn status(err: &Error) -> StatusCode {
    match err {
        Error::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        Error::Forbidden(_) => StatusCode::FORBIDDEN,
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::Invalid { .. } | Error::Limit { .. } | Error::Sheet { .. } => {
            StatusCode::BAD_REQUEST
        }
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::Db(_) | Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

fn failed(err: &Error, request_id: Uuid) -> Response {
    refuse(status(err), err, request_id)
}

/// `NAME.EXT` split into a known name and format; anything else names no file.
fn split_file<T>(file: &str, known: impl Fn(&str) -> Option<T>) -> Result<(T, Format), Error> {
    let (name, extension) = file.rsplit_once('.').ok_or(Error::NotFound("file"))?;
    let what = known(name).ok_or(Error::NotFound("file"))?;
    let format = Format::parse(extension).map_err(|_| Error::NotFound("file"))?;
    Ok((what, format))
}

/// `attachment` with the ASCII name, and the UTF-8 one (RFC 5987) when it differs.
fn disposition(ascii: &str, utf8: Option<&str>) -> String {
    let mut value = format!("attachment; filename=\"{ascii}\"");
    if let Some(name) = utf8 {
        let encoded: String = name
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        value.push_str(&format!("; filename*=UTF-8''{encoded}"));
    }
    value
}

fn file_response(format: Format, bytes: Vec<u8>, disposition: String) -> Response {
    Response::builder()
        .content_type(format.content_type())
        .header("content-disposition", disposition)
        // Reports may hold personal data: no shared cache keeps a copy.
        .header("cache-control", "no-store")
        .body(bytes)
}

/// `GET /export/:file`: a report as the token's user may read it.
#[handler]
pub(super) async fn report(
    req: &Request,
    Path(file): Path<String>,
    Data(app): Data<&AppState>,
) -> Response {
    let request_id = Uuid::now_v7();
    let (report, format) = match split_file(&file, Report::parse) {
        Ok(found) => found,
        Err(e) => return failed(&e, request_id),
    };
    let actor = match bearer(req) {
        None => Err(Error::Unauthenticated(
            "send Authorization: Bearer TOKEN to export".to_owned(),
        )),
        Some(token) => match app.db.admit().await {
            Ok(()) => authenticate(&app.db, &app.tokens, token).await,
            Err(away) => Err(away.into()),
        },
    };
    let actor = match actor {
        Ok(actor) => actor,
        Err(e) => {
            note_unreachable(app, &e);
            return failed(&e, request_id);
        }
    };
    let params = match req.params::<ExportParams>() {
        Ok(params) => params,
        Err(e) => return failed(&Error::invalid("query", e), request_id),
    };
    let limit = Duration::from_millis(app.settings.request_timeout_ms);
    let max_rows = app.settings.max_export_rows;
    let work = export(&app.db, &actor, report, format, &params, max_rows);
    match tokio::time::timeout(limit, work).await {
        Ok(Ok(file)) => {
            let disposition = disposition(&file.file_name, None);
            file_response(file.format, file.bytes, disposition)
        }
        Ok(Err(e)) => {
            note_unreachable(app, &e);
            failed(&e, request_id)
        }
        Err(_) => {
            let message = format!(
                "the export ran longer than {} ms and was stopped; narrow it",
                app.settings.request_timeout_ms
            );
            let limit = "request-timeout-ms";
            failed(&Error::Limit { limit, message }, request_id)
        }
    }
}

/// `GET /templates/:file`: an import template; no token, as it holds no registry data.
#[handler]
pub(super) async fn template_file(Path(file): Path<String>) -> Response {
    let request_id = Uuid::now_v7();
    let made = split_file(&file, Template::parse)
        .and_then(|(kind, format)| Ok((kind, format, template(kind, format)?)));
    match made {
        Ok((kind, format, bytes)) => {
            let ext = format.extension();
            let ascii = format!("{}-template.{ext}", kind.name());
            let utf8 = format!("{}.{ext}", kind.title());
            file_response(format, bytes, disposition(&ascii, Some(&utf8)))
        }
        Err(e) => failed(&e, request_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chinese_file_name_is_percent_encoded_beside_the_ascii_one() {
        assert_eq!(
            disposition("teachers-template.xlsx", Some("教师.xlsx")),
            "attachment; filename=\"teachers-template.xlsx\"; \
             filename*=UTF-8''%E6%95%99%E5%B8%88.xlsx"
        );
    }

    #[test]
    fn files_are_a_known_name_and_format() {
        assert_eq!(
            split_file("counts.xlsx", Report::parse).ok(),
            Some((Report::Counts, Format::Xlsx))
        );
        assert!(split_file("counts.pdf", Report::parse).is_err());
        assert!(split_file("users.csv", Report::parse).is_err());
        assert!(split_file("counts", Report::parse).is_err());
    }
}
