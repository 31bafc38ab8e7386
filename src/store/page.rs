//! Keyset paging by id. Ids are UUID v7, so id order is creation order and "after cursor" is an
//! index range scan, as fast on page 10,000 as on page 1 (no OFFSET).

use uuid::Uuid;

/// What a connection field asked for, already checked (`first` within bounds).
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub first: u64,
    pub after: Option<Uuid>,
}

impl PageRequest {
    /// One row more than asked, to know whether another page follows.
    pub fn fetch_limit(&self) -> u64 {
        self.first + 1
    }
}

/// A page of rows and whether more follow.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub rows: Vec<(Uuid, T)>,
    pub has_next_page: bool,
}

impl<T> Page<T> {
    pub fn from_rows(mut rows: Vec<T>, req: PageRequest, id: impl Fn(&T) -> Uuid) -> Self {
        let has_next_page = rows.len() as u64 > req.first;
        rows.truncate(req.first as usize);
        Page {
            rows: rows.into_iter().map(|r| (id(&r), r)).collect(),
            has_next_page,
        }
    }
}
