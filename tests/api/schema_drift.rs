//! The committed SDL is the generated one, and it holds the whole contract surface.
//! `UPDATE_SCHEMA=1 cargo test` rewrites `schema/schema.graphql`.

use std::collections::BTreeSet;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

const SCHEMA_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/schema.graphql");
const CONTRACT_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/contract.graphql");

#[test]
fn committed_schema_matches_the_code() {
    let generated = teacher_registry::graphql::sdl();
    if std::env::var("UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
        std::fs::write(SCHEMA_FILE, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(SCHEMA_FILE).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/schema.graphql is out of date: run UPDATE_SCHEMA=1 cargo test"
    );
}

/// Every field (`Type.field`), argument (`Type.field(arg)`) and enum value (`Enum::VALUE`) of
/// an SDL, with its type as written.
fn surface(sdl: &str) -> BTreeSet<String> {
    let doc = parse_schema(sdl).expect("valid SDL");
    let mut out = BTreeSet::new();
    for def in doc.definitions {
        let TypeSystemDefinition::Type(t) = def else {
            continue;
        };
        let name = t.node.name.node.to_string();
        match &t.node.kind {
            TypeKind::Object(o) => {
                for f in &o.fields {
                    let f = &f.node;
                    out.insert(format!("{name}.{}: {}", f.name.node, f.ty.node));
                    for a in &f.arguments {
                        let a = &a.node;
                        out.insert(format!(
                            "{name}.{}({}): {}",
                            f.name.node, a.name.node, a.ty.node
                        ));
                    }
                }
            }
            TypeKind::InputObject(o) => {
                for f in &o.fields {
                    out.insert(format!("{name}.{}: {}", f.node.name.node, f.node.ty.node));
                }
            }
            TypeKind::Enum(e) => {
                for v in &e.values {
                    out.insert(format!("{name}::{}", v.node.value.node));
                }
            }
            TypeKind::Scalar => {
                out.insert(format!("scalar {name}"));
            }
            _ => {}
        }
    }
    out
}

#[test]
fn the_schema_serves_the_contract() {
    // A fresh clone alone has no contract beside it: it says so and checks the rest; CI, which
    // must check everything, fails instead.
    let Ok(contract) = std::fs::read_to_string(CONTRACT_FILE) else {
        assert!(
            !crate::helpers::in_ci(),
            "{CONTRACT_FILE} is missing: ../shared must sit beside the repository in CI"
        );
        static SAID: std::sync::Once = std::sync::Once::new();
        crate::helpers::say_skipped(
            &SAID,
            &format!(
                "{CONTRACT_FILE} is missing, so whether the schema serves the contract was not checked"
            ),
        );
        return;
    };
    let ours = surface(&teacher_registry::graphql::sdl());
    let mut missing = Vec::new();
    for item in surface(&contract) {
        if ours.contains(&item) {
            continue;
        }
        // An output field may be stricter than the contract (non-null where it is nullable).
        let stricter = item
            .split_once(": ")
            .filter(|(lhs, _)| !lhs.contains('('))
            .is_some_and(|(lhs, ty)| ours.contains(&format!("{lhs}: {ty}!")));
        if !stricter {
            missing.push(item);
        }
    }
    assert!(
        missing.is_empty(),
        "the schema lacks or changes: {missing:#?}"
    );
}

#[test]
fn every_type_field_and_enum_value_has_a_description() {
    let doc = parse_schema(teacher_registry::graphql::sdl()).expect("valid SDL");
    let mut bare = Vec::new();
    for def in doc.definitions {
        let TypeSystemDefinition::Type(t) = def else {
            continue;
        };
        let name = t.node.name.node.to_string();
        if t.node.description.is_none() {
            bare.push(name.clone());
        }
        match &t.node.kind {
            TypeKind::Object(o) => bare.extend(
                o.fields
                    .iter()
                    .filter(|f| f.node.description.is_none())
                    .map(|f| format!("{name}.{}", f.node.name.node)),
            ),
            TypeKind::InputObject(o) => bare.extend(
                o.fields
                    .iter()
                    .filter(|f| f.node.description.is_none())
                    .map(|f| format!("{name}.{}", f.node.name.node)),
            ),
            TypeKind::Enum(e) => bare.extend(
                e.values
                    .iter()
                    .filter(|v| v.node.description.is_none())
                    .map(|v| format!("{name}::{}", v.node.value.node)),
            ),
            _ => {}
        }
    }
    assert!(bare.is_empty(), "undescribed: {bare:#?}");
}
