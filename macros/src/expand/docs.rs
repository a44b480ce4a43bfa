//! The rustdoc of the generated methods: what SQL each runs, named with the facts the
//! derive knows (the owner's table and key, the foreign key, the polymorphic type, the
//! scope, `dependent`), and its Rails counterpart. The target's table and primary key are
//! declared on the target, so the docs name them by the target's type (`<Profile key>`).

use quote::ToTokens;

use crate::ast::{Association, Dependent, Model};
use crate::names;

/// The rustdoc of each generated method.
pub struct Docs {
    pub reader: String,
    pub strict: String,
    pub query: String,
    pub build: String,
    pub create: String,
    pub set: String,
    pub save: String,
    pub insert: String,
    pub preload: String,
    pub eager: String,
}

/// The SQL fragments the docs are written with.
struct Sql {
    /// The owner's table (`users`).
    table: String,
    /// The owner's key column the foreign key stores (`id`).
    key: String,
    /// The owner's field holding it, as `$1` is bound (`self.id`).
    bound: String,
    /// The foreign key column (`user_id`).
    fk: String,
    /// The polymorphic type column and the stored type string, if any.
    typed: Option<(String, String)>,
    /// The target's key, as the docs name it: `<Profile key>`.
    target_key: String,
    /// The `ORDER BY` clause of the reader (the scope's filters first, if any).
    order: String,
    /// What replacing does to the old row.
    dependent: Option<Dependent>,
}

impl Sql {
    fn new(m: &Model, a: &Association) -> Sql {
        let last = |p: &syn::Path| p.segments.last().map(|s| s.ident.to_string());
        let key_column = a.primary_key.as_ref().unwrap_or(&m.primary_key[0]);
        let field = m.field_of(key_column).map_or(key_column, |f| &f.ident);
        let typed = a.polymorphic.as_ref().map(|p| {
            let stored = m.hooks.polymorphic_name.as_ref().map(syn::LitStr::value);
            let stored = stored.unwrap_or_else(|| m.ident.to_string());
            (p.foreign_type.to_string(), stored)
        });
        let target = match &a.through {
            None => last(&a.target).unwrap_or_default(),
            Some(_) => a.name.to_string(),
        };
        let target_key = format!("<{target} key>");
        let order = match &a.scope {
            None => format!("ORDER BY {target_key}"),
            Some(s) => {
                let path = s.path.to_token_stream().to_string().replace(' ', "");
                format!("AND ({path}'s filters) ORDER BY ({path}'s order), {target_key}")
            }
        };
        Sql {
            table: last(&m.table).unwrap_or_default(),
            key: key_column.to_string(),
            bound: format!("self.{field}"),
            fk: a.foreign_key.to_string(),
            typed,
            target_key,
            order,
            dependent: a.dependent.as_ref().map(|(d, _)| *d),
        }
    }

    /// The link to `value`, columns joined by `sep`: `user_id = $1` (and the type column).
    fn link(&self, value: &str, sep: &str) -> String {
        let typed = self
            .typed
            .as_ref()
            .map_or(String::new(), |(column, stored)| {
                let stored = match value {
                    "NULL" => value.to_owned(),
                    _ => format!("'{stored}'"),
                };
                format!("{sep}{column} = {stored}")
            });
        format!("{} = {value}{typed}", self.fk)
    }

    /// What the replace transaction does to the old row (DESIGN §3).
    fn remove_old(&self) -> String {
        match self.dependent {
            Some(Dependent::Destroy) => {
                "destroys the old row (its hooks and dependents, `DELETE`)".to_owned()
            }
            Some(Dependent::Delete) => "`DELETE`s the old row".to_owned(),
            _ => format!(
                "unlinks the old row (`UPDATE … SET {}`)",
                self.link("NULL", ", ")
            ),
        }
    }
}

impl Docs {
    pub fn new(m: &Model, a: &Association) -> Docs {
        let sql = Sql::new(m, a);
        let (name, owner, table, bound) = (&a.name, &m.ident, &sql.table, &sql.bound);
        let owner_snake = names::snake(owner);
        let lock = format!("locks the owner row (`SELECT … FROM {table} … FOR UPDATE`, on SQLite `BEGIN IMMEDIATE`)");
        let (remove_old, set) = (sql.remove_old(), sql.link("$1", ", "));
        let (reader, query, preload, eager) = match &a.through {
            None => direct_reads(&sql, a),
            Some(t) => through_reads(&sql, &t.via, t.disable_joins),
        };
        Docs {
            reader: format!("{reader} Rails: `{owner_snake}.{name}`."),
            strict: format!("Not available: `{name}` is declared with `strict_loading`. Calling it is a compile error; load it with `{owner}::preload_{name}` or `{owner}::eager_load_{name}`."),
            query: format!("{query} To refine with `.select`, `.filter`, …; nothing runs until you load it."),
            build: format!("An unsaved `{name}` made of `values`: no SQL until `.save(conn)`, which runs what `create_{name}` runs. Rails: `build_{name}` (which already unlinks the old row; here it does not)."),
            create: format!("Replaces the `{name}` by a new row made of `values` (without the foreign key). Validates `values` first when the association declares `validate` or `autosave` (`Error::Invalid`, nothing written); then one transaction {lock}, {remove_old} and `INSERT`s the new row with `{set}` (`$1` = `{bound}`). Any error leaves the database as it was. Rails: `create_{name}` / `create_{name}!`."),
            set: format!("Links an existing row as the `{name}` (`Some`), or removes the current one (`None`), in one transaction that {lock}, {remove_old} and, with `Some`, `UPDATE`s the row `SET {set}` (`$1` = `{bound}`). Validates the row first with `validate`/`autosave`, and `None` is `Error::Invalid` with `required`; nothing is written then. Rails: `{name} = record` / `{name} = nil`."),
            save: format!("Saves this owner with its `{name}` in one transaction that first {lock}: say what to write with `.update_owner(changes)` (`UPDATE {table}`), `.new_row(values)` (`INSERT`, as `create_{name}`), `.update_row(&row, changes)` (`UPDATE`), `.destroy_row(&row)` (`DELETE`), then `.save(conn)`; `autosave`, `validate` and `required` decide what is validated and written (see `diesel_has_one::autosave`). Rails: `owner.save` with `autosave`."),
            insert: format!("`INSERT INTO {table}` an owner from `values`, then its `{name}` (`.new_row(values)`), in one transaction; see `save_with_{name}`. The owner's `created_at`/`updated_at` (when `{owner}` has them and no `#[model(timestamps = false)]`) are set to the instant the new row gets, so `values` must not set them. Needs an auto-increment integer primary key."),
            preload: format!("{preload} Aligned with `owners`. Rails: `includes(:{name})` / `preload(:{name})`."),
            eager: format!("{eager} Selects `({owner}, Option<_>)`, one row per owner of `query` (any owner query: `{table}::table.filter(…).order(…)`, kept as it is), joined with the reader's row. Needs `allow_tables_to_appear_in_same_query!` for the tables. Rails: `eager_load(:{name})`."),
        }
    }
}

/// The reader, query, preload and eager load docs of a direct `has_one`.
fn direct_reads(sql: &Sql, a: &Association) -> (String, String, String, String) {
    let Sql {
        table,
        key,
        bound,
        target_key,
        order,
        ..
    } = sql;
    let target = a
        .target
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    let filter = sql.link("$1", " AND ");
    let keys = filter.replacen(" = $1", " IN ($1)", 1);
    let outer = sql.link(&format!("{table}.{key}"), " AND ");
    (
        format!("Reads the linked `{target}` row: `SELECT … WHERE {filter} {order} LIMIT 1` (`$1` = `{bound}`)."),
        format!("The reader's query: `SELECT … WHERE {filter} {order}` (`$1` = `{bound}`)."),
        format!("Reads the `{target}` rows of all `owners` in one query whatever their number: `SELECT … WHERE {keys}`, the owners' keys bound (one PostgreSQL array, one JSON array on SQLite; on MySQL a key range, a list of up to 65,000 placeholders, or one JSON array), each owner keeping the row the reader returns (`{order}`: with a scope or text keys the query is so ordered, otherwise the lowest key is kept as rows arrive)."),
        format!("`query LEFT JOIN` `{target}` `ON {target_key} = (SELECT {target_key} … WHERE {outer} {order} LIMIT 1)`: one query."),
    )
}

/// The reader, query, preload and eager load docs of a `through` association.
fn through_reads(
    sql: &Sql,
    via: &syn::Ident,
    disable_joins: bool,
) -> (String, String, String, String) {
    let Sql {
        table, target_key, ..
    } = sql;
    let nested = format!("one query with a subselect per table of the chain through `{via}`: `SELECT … WHERE … IN (SELECT … WHERE … IN (…)) ORDER BY {target_key}");
    let reader = match disable_joins {
        false => format!("Reads the row reached through `{via}`: {nested} LIMIT 1`."),
        true => format!("Reads the row reached through `{via}` with one `SELECT` per table of the chain (`disable_joins`), each matching the previous one's keys (`IN (…)`), the last `ORDER BY {target_key} LIMIT 1`."),
    };
    (
        reader,
        format!("The reader's query, {nested}`."),
        format!("Reads the rows of all `owners` through `{via}` with one `SELECT … WHERE … IN ($1)` per table of the chain, each key set bound as `preload_` binds it, joined in memory."),
        format!("`query LEFT JOIN` the target `ON {target_key} = (SELECT {target_key} …)`, the subquery going through the chain from `{table}`'s row, `ORDER BY {target_key} LIMIT 1`: one query."),
    )
}
