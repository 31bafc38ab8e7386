//! Relay connections (`edges { cursor node }`, `nodes`, `pageInfo`, `totalCount`) over keyset
//! pages. The cursor is the row's id, base64url-encoded so clients treat it as opaque.
//! `totalCount` runs its COUNT only when asked for.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_graphql::SimpleObject;
use base64::Engine as _;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::page::{Page, PageRequest};

/// The most rows one page may hold.
pub const MAX_PAGE: i32 = 100;

/// Paging information (Relay).
#[derive(SimpleObject, Debug, Clone)]
pub struct PageInfo {
    /// Whether another page follows this one.
    pub has_next_page: bool,
    /// The cursor of the last edge, to pass as `after` for the next page.
    pub end_cursor: Option<String>,
}

pub fn encode_cursor(id: Uuid) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id.as_bytes())
}

fn decode_cursor(cursor: &str) -> Option<Uuid> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    Uuid::from_slice(&bytes).ok()
}

/// The complexity of a connection field: each of up to `first` items costs what the query
/// asks of it, so a wide page of deep items is refused before it runs.
pub fn page_cost(first: Option<i32>, child_complexity: usize) -> usize {
    let items = usize::try_from(first.unwrap_or(50)).unwrap_or(0).max(1);
    items.saturating_mul(child_complexity).saturating_add(1)
}

/// Checks `first` and `after` as a connection field received them.
pub fn page_request(first: i32, after: Option<&str>) -> Result<PageRequest> {
    if !(0..=MAX_PAGE).contains(&first) {
        return Err(Error::invalid(
            "first",
            format!("must be between 0 and {MAX_PAGE}"),
        ));
    }
    let after = match after {
        None => None,
        Some(c) => Some(
            decode_cursor(c)
                .ok_or_else(|| Error::invalid("after", "is not a cursor of this list"))?,
        ),
    };
    Ok(PageRequest {
        first: first as u64,
        after,
    })
}

/// The selections of a connection field's items: its `nodes` and its `edges { node }`.
pub fn node_selections<'a>(
    ctx: &'a async_graphql::Context<'_>,
) -> [async_graphql::Lookahead<'a>; 2] {
    let look = ctx.look_ahead();
    [look.field("nodes"), look.field("edges").field("node")]
}

/// A deferred COUNT for `totalCount`.
pub type Counter = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<u64>> + Send>> + Send + Sync>;

/// Page rows converted to API nodes, with their cursors and a deferred count.
pub struct Paged<T> {
    pub nodes: Vec<T>,
    pub cursors: Vec<String>,
    pub has_next_page: bool,
    pub counter: Counter,
}

impl<T> Paged<T> {
    pub fn new<M>(page: Page<M>, node: impl Fn(M) -> T, counter: Counter) -> Self {
        let (cursors, nodes) = page
            .rows
            .into_iter()
            .map(|(id, row)| (encode_cursor(id), node(row)))
            .unzip();
        Paged {
            nodes,
            cursors,
            has_next_page: page.has_next_page,
            counter,
        }
    }

    pub fn page_info(&self) -> PageInfo {
        PageInfo {
            has_next_page: self.has_next_page,
            end_cursor: self.cursors.last().cloned(),
        }
    }

    pub async fn total_count(&self) -> Result<i32> {
        let n = (self.counter)().await?;
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    }
}

/// Declares `XConnection` and `XEdge` for a node type.
macro_rules! connection {
    ($conn:ident, $edge:ident, $node:ty, $what:literal) => {
        #[doc = concat!("A page of ", $what, " (Relay connection).")]
        pub struct $conn(pub $crate::graphql::connection::Paged<$node>);

        #[doc = concat!("One of ", $what, " with its cursor.")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            /// Pass as `after` to continue after this edge.
            pub cursor: String,
            /// The item.
            pub node: $node,
        }

        #[doc = concat!("A page of ", $what, " (Relay connection).")]
        #[async_graphql::Object]
        impl $conn {
            /// The items with their cursors.
            async fn edges(&self) -> Vec<$edge> {
                self.0
                    .cursors
                    .iter()
                    .zip(&self.0.nodes)
                    .map(|(cursor, node)| $edge {
                        cursor: cursor.clone(),
                        node: node.clone(),
                    })
                    .collect()
            }

            /// The items alone.
            async fn nodes(&self) -> &[$node] {
                &self.0.nodes
            }

            /// Where this page sits.
            async fn page_info(&self) -> $crate::graphql::connection::PageInfo {
                self.0.page_info()
            }

            /// How many items all pages hold together.
            async fn total_count(&self) -> async_graphql::Result<i32> {
                use $crate::graphql::error::Api as _;
                self.0.total_count().await.api()
            }
        }
    };
}
pub(crate) use connection;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let id = Uuid::now_v7();
        let req = page_request(10, Some(&encode_cursor(id))).unwrap();
        assert_eq!(req.after, Some(id));
        assert!(page_request(10, Some("not a cursor")).is_err());
        assert!(page_request(101, None).is_err());
        assert!(page_request(-1, None).is_err());
        assert!(page_request(100, None).is_ok());
    }
}
