//! Small builders the migrations share. Changing one changes the SQL of every migration that
//! uses it, so they only ever gain new helpers; existing ones stay as they are.

use sea_orm_migration::prelude::*;

/// `id uuid NOT NULL PRIMARY KEY`.
pub fn id() -> ColumnDef {
    ColumnDef::new(Alias::new("id"))
        .uuid()
        .not_null()
        .primary_key()
        .to_owned()
}

/// `created_at timestamptz NOT NULL`.
pub fn created_at() -> ColumnDef {
    ColumnDef::new(Alias::new("created_at"))
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

/// `col IN (values…)`, for CHECK constraints on enumerations.
pub fn in_list(col: impl IntoIden, values: &[&str]) -> SimpleExpr {
    Expr::col(col).is_in(values.iter().copied())
}

/// A foreign key that refuses to delete a referenced row.
pub fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

/// A named index over columns.
pub fn index(name: &str, table: impl IntoIden, cols: &[&str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    stmt.to_owned()
}
