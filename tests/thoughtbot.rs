//! The thoughtbot article ("Are you absolutely sure your has_one association really has
//! one association?") replayed against a real schema: NOT NULL foreign key with a foreign
//! key constraint, then with a unique index.

mod common;

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_has_one::{Error, Model};

diesel::table! { suppliers (id) { id -> Integer, name -> Text } }
diesel::table! { accounts (id) { id -> Integer, supplier_id -> Integer, name -> Text } }

/// `has_one :account` (no `dependent`).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = suppliers)]
#[has_one(account)]
pub struct Supplier {
    pub id: i32,
    pub name: String,
}

/// `has_one :account, dependent: :destroy`.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = suppliers)]
#[has_one(account, foreign_key = "supplier_id", dependent = "destroy")]
pub struct DestroyingSupplier {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = accounts, belongs_to(Supplier))]
pub struct Account {
    pub id: i32,
    pub supplier_id: i32,
    pub name: String,
}

#[derive(Insertable)]
#[diesel(table_name = accounts)]
pub struct NewAccount<'a> {
    pub name: &'a str,
}

/// `t.belongs_to :supplier, null: false, foreign_key: true`
const SCHEMA: &[&str] = &[
    "CREATE TABLE suppliers (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE accounts (id {pk}, supplier_id INTEGER NOT NULL REFERENCES suppliers(id), name {text} NOT NULL)",
];

/// `+ index: { unique: true }`
const UNIQUE: &str = "CREATE UNIQUE INDEX index_accounts_on_supplier_id ON accounts (supplier_id)";

fn is_unique_violation(e: &DieselError) -> bool {
    matches!(
        e,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
    )
}

backend_tests! {
    schema = SCHEMA;

    fn second_create_fails_and_changes_nothing(conn, backend) {
        let supplier = insert!(conn, suppliers, Supplier, suppliers::name.eq("Acme"));
        supplier.create_account(NewAccount { name: "first" }, conn).unwrap();
        assert_eq!(rows!(conn, accounts, Account).len(), 1);
        let before = rows!(conn, accounts, Account);

        // Rails raises RecordNotSaved *and* leaves two rows; here: a typed error, no write.
        let err = supplier.create_account(NewAccount { name: "second" }, conn).unwrap_err();
        assert!(matches!(err, Error::CannotNullify { model: "Supplier", association: "account" }), "{err:?}");
        assert!(err.to_string().contains("dependent = \"destroy\""), "{err}");
        assert_eq!(rows!(conn, accounts, Account), before);
        assert_eq!(supplier.account(conn).unwrap().unwrap().name, "first");
    }

    fn with_dependent_destroy_exactly_one_account_remains(conn, backend) {
        let supplier = insert!(conn, suppliers, DestroyingSupplier, suppliers::name.eq("Acme"));
        supplier.create_account(NewAccount { name: "first" }, conn).unwrap();
        let second = supplier.create_account(NewAccount { name: "second" }, conn).unwrap();
        assert_eq!(
            rows!(conn, accounts, Account),
            [Account { id: second.id, supplier_id: supplier.id, name: "second".into() }]
        );
        assert_eq!(supplier.account(conn).unwrap().unwrap().name, "second");
    }

    fn unique_index_stops_inserts_that_bypass_the_association(conn, backend) {
        diesel::sql_query(UNIQUE).execute(conn).unwrap();
        let supplier = insert!(conn, suppliers, DestroyingSupplier, suppliers::name.eq("Acme"));
        supplier.create_account(NewAccount { name: "first" }, conn).unwrap();
        let before = rows!(conn, accounts, Account);

        // `Account.create(name: "second", supplier: supplier)`
        let err = diesel::insert_into(accounts::table)
            .values((accounts::name.eq("second"), accounts::supplier_id.eq(supplier.id)))
            .execute(conn)
            .unwrap_err();
        assert!(is_unique_violation(&err), "{err:?}");
        assert!(Error::from(err).is_unique_violation());
        assert_eq!(rows!(conn, accounts, Account), before);

        // through the association the replace removes first, so the index never trips
        let second = supplier.create_account(NewAccount { name: "second" }, conn).unwrap();
        assert_eq!(rows!(conn, accounts, Account), [second]);
    }

    fn foreign_key_constraint_rejects_destroying_a_linked_owner(conn, backend) {
        // no `dependent`: the owner row goes alone, which the FK constraint refuses
        let supplier = insert!(conn, suppliers, Supplier, suppliers::name.eq("Acme"));
        supplier.create_account(NewAccount { name: "first" }, conn).unwrap();
        let before = (rows!(conn, suppliers, Supplier), rows!(conn, accounts, Account));
        let err = supplier.destroy(conn).unwrap_err();
        assert!(
            matches!(err, Error::Database(DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _))),
            "{err:?}"
        );
        assert_eq!((rows!(conn, suppliers, Supplier), rows!(conn, accounts, Account)), before);
    }
}
