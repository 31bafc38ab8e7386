//! Bounds on the shape of what a client sends, checked before any recursive code sees it.
//!
//! The GraphQL parser, async-graphql's validation and serde all recurse over nesting. A query
//! holding 2,000 nested `[` overflowed a worker thread's stack while it was parsed, before the
//! token was even looked at, and aborted the whole process. So nesting is measured here
//! without recursion, on the raw query text and on the raw JSON body, and refused past a small
//! bound. Once the (now shallow) document is parsed, its fields are counted with fragments
//! expanded — memoised per fragment, so that a "fragment bomb" (each fragment spreading the next
//! ten times) costs its number of fragments to count, not its expansion — and every string in
//! its arguments and variables is screened by the domain's text rule (no control or invisible
//! characters, a length bound), so no resolver can forget to.

use std::collections::HashMap;

use async_graphql::Name;
use async_graphql::Value as ConstValue;
use async_graphql::parser::Positioned;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

use crate::domain::text;
use crate::error::Error;

/// A request refused before it ran, naming the setting (its flag) that bounds it.
fn refusal(limit: &'static str, message: String) -> Error {
    Error::Limit { limit, message }
}

/// The deepest nesting of `{`, `[` and `(` in a GraphQL or JSON text, skipping strings, block
/// strings and comments. One pass, no recursion, whatever the text.
pub fn nesting(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    // An escaped triple quote does not end a block string.
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// Refuses a text nested deeper than `max`.
pub fn check_nesting(text: &[u8], max: usize, what: &str) -> Result<(), Error> {
    let depth = nesting(text);
    if depth > max {
        return Err(refusal(
            "max-nesting",
            format!("the {what} is nested {depth} levels deep; at most {max} are allowed"),
        ));
    }
    Ok(())
}

/// How many fields the document selects, fragments expanded as often as they are spread.
pub fn field_count(doc: &ExecutableDocument) -> u64 {
    let mut memo: HashMap<Name, u64> = HashMap::new();
    doc.operations
        .iter()
        .map(|(_, op)| count_set(doc, &op.node.selection_set, &mut memo))
        .fold(0u64, u64::saturating_add)
}

fn count_set(
    doc: &ExecutableDocument,
    set: &Positioned<SelectionSet>,
    memo: &mut HashMap<Name, u64>,
) -> u64 {
    set.node
        .items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => 1u64.saturating_add(count_set(doc, &f.node.selection_set, memo)),
            Selection::InlineFragment(f) => count_set(doc, &f.node.selection_set, memo),
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                if let Some(n) = memo.get(name) {
                    return *n;
                }
                // Marked 0 while counted: a cycle counts nothing here, and validation refuses
                // it later with its own message.
                memo.insert(name.clone(), 0);
                let n = doc
                    .fragments
                    .get(name)
                    .map_or(0, |f| count_set(doc, &f.node.selection_set, memo));
                memo.insert(name.clone(), n);
                n
            }
        })
        .fold(0u64, u64::saturating_add)
}

/// Refuses a document selecting more than `max` fields.
pub fn check_fields(doc: &ExecutableDocument, max: usize) -> Result<(), Error> {
    let n = field_count(doc);
    if n > max as u64 {
        return Err(refusal(
            "max-fields",
            format!(
                "the query selects {n} fields (aliases and fragments counted as often as they \
                 are used); at most {max} are allowed"
            ),
        ));
    }
    Ok(())
}

/// Screens every string a request carries, in its arguments and its variables: the domain's
/// text rule (multi-line text allowed here; each input's own type is stricter) and at most
/// `max_chars` characters.
pub fn check_strings(
    doc: &ExecutableDocument,
    variables: &async_graphql::Variables,
    max_chars: usize,
) -> Result<(), Error> {
    let mut values: Vec<ConstValue> = Vec::new();
    for set in selection_sets(doc) {
        for item in &set.node.items {
            if let Selection::Field(f) = &item.node {
                for (_, arg) in &f.node.arguments {
                    // Variables are checked below as values; the rest is constant here.
                    values.push(
                        arg.node
                            .clone()
                            .into_const_with(|_| Ok::<_, ()>(ConstValue::Null))
                            .unwrap_or(ConstValue::Null),
                    );
                }
            }
        }
    }
    values.extend(variables.values().cloned());
    // Depth-first without recursion; nesting is already bounded, but this costs nothing.
    while let Some(value) = values.pop() {
        match value {
            ConstValue::String(s) => screen(&s, max_chars)?,
            ConstValue::List(items) => values.extend(items),
            ConstValue::Object(fields) => {
                for (name, v) in fields {
                    screen(name.as_str(), max_chars)?;
                    values.push(v);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn screen(s: &str, max_chars: usize) -> Result<(), Error> {
    if s.len() > max_chars && s.chars().count() > max_chars {
        return Err(refusal(
            "max-text-chars",
            format!("a text input is longer than {max_chars} characters"),
        ));
    }
    text::screen(s, true).map_err(|e| refusal("max-text-chars", format!("a text input {e}")))
}

/// Every selection set of the document: operations and fragments, at every depth.
fn selection_sets(doc: &ExecutableDocument) -> Vec<&Positioned<SelectionSet>> {
    let mut todo: Vec<&Positioned<SelectionSet>> = doc
        .operations
        .iter()
        .map(|(_, op)| &op.node.selection_set)
        .chain(doc.fragments.values().map(|f| &f.node.selection_set))
        .collect();
    let mut all = Vec::new();
    while let Some(set) = todo.pop() {
        for item in &set.node.items {
            match &item.node {
                Selection::Field(f) => todo.push(&f.node.selection_set),
                Selection::InlineFragment(f) => todo.push(&f.node.selection_set),
                Selection::FragmentSpread(_) => {}
            }
        }
        all.push(set);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(q: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(q).unwrap()
    }

    #[test]
    fn nesting_counts_brackets_outside_strings_and_comments() {
        let n = |t: &str| nesting(t.as_bytes());
        assert_eq!(n("{ a }"), 1);
        assert_eq!(n("{ a(x: [[1]]) { b } }"), 4);
        assert_eq!(n(r#"{ a(x: "[[[[") }"#), 2);
        assert_eq!(n(r#"{ a(x: "\"[[[") }"#), 2);
        assert_eq!(n("{ a(x: \"\"\"[[[ \\\"\"\" [[\"\"\") }"), 2);
        assert_eq!(n("# [[[[\n{ a }"), 1);
        let deep = format!("{{ x(a: {}{}) }}", "[".repeat(2000), "]".repeat(2000));
        assert_eq!(n(&deep), 2002);
        assert_eq!(n(r#"{"query":"{ a }","variables":{"v":[[1]]}}"#), 4);
    }

    #[test]
    fn fragments_count_as_often_as_they_are_spread_without_being_expanded() {
        assert_eq!(field_count(&doc("{ a b { c } }")), 3);
        assert_eq!(
            field_count(&doc("{ ...F ...F } fragment F on Query { a b }")),
            4
        );
        // Thirty fragments, each spreading the next ten times: 10^30 fields, counted at once.
        let mut q = String::from("{ ...F0 }");
        for i in 0..30 {
            q.push_str(&format!(" fragment F{i} on Query {{"));
            for _ in 0..10 {
                q.push_str(&format!(" ...F{}", i + 1));
            }
            q.push_str(" }");
        }
        q.push_str(" fragment F30 on Query { a }");
        assert!(check_fields(&doc(&q), 1000).is_err());
        // A cycle counts nothing here (validation refuses it).
        assert_eq!(
            field_count(&doc("{ ...A } fragment A on Query { a ...A }")),
            1
        );
    }

    #[test]
    fn strings_in_arguments_and_variables_are_screened() {
        let vars = async_graphql::Variables::default();
        assert!(check_strings(&doc(r#"{ a(x: "ok\nfine") }"#), &vars, 100).is_ok());
        assert!(check_strings(&doc(r#"{ a(x: "\u0000") }"#), &vars, 100).is_err());
        assert!(check_strings(&doc(r#"{ a(x: {y: ["\u200b"]}) }"#), &vars, 100).is_err());
        assert!(check_strings(&doc(r#"{ a(x: "12345") }"#), &vars, 4).is_err());
        let vars = async_graphql::Variables::from_json(serde_json::json!({ "v": ["a\u{202e}"] }));
        assert!(check_strings(&doc("query($v: [String]) { a(x: $v) }"), &vars, 100).is_err());
    }
}
