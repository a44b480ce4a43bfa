//! A self-referential `has_one` (issue 10): `Employee has_one :assistant, class_name:
//! "Employee", foreign_key: :manager_id, dependent: :destroy`. Before, `create_`, `set_`
//! and `destroy` did not compile (E0275: `Persist` for the model required itself through
//! its own association); the model's destroy now walks such an association with its own
//! `destroy_in`. Reader, create, set, preload and the recursive destroy, with the rows
//! left. (Eager load is not offered for it: Diesel joins a table with itself only through
//! `alias!`.)

mod common;

use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { employees (id) { id -> Integer, manager_id -> Nullable<Integer>, name -> Text } }

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = employees)]
#[has_one(
    assistant,
    class_name = "Employee",
    foreign_key = "manager_id",
    dependent = "destroy"
)]
pub struct Employee {
    pub id: i32,
    pub manager_id: Option<i32>,
    pub name: String,
}

#[derive(Insertable)]
#[diesel(table_name = employees)]
pub struct NewEmployee<'a> {
    pub name: &'a str,
}

const SCHEMA: &[&str] =
    &["CREATE TABLE employees (id {pk}, manager_id INTEGER UNIQUE, name {text} NOT NULL)"];

fn names(rows: &[Employee]) -> Vec<(&str, Option<i32>)> {
    rows.iter()
        .map(|e| (e.name.as_str(), e.manager_id))
        .collect()
}

backend_tests! {
    schema = SCHEMA;

    fn create_set_preload_and_destroy_recursively(conn, backend) {
        let boss = insert!(conn, employees, Employee, employees::name.eq("boss"));
        let first = boss.create_assistant(NewEmployee { name: "first" }, conn).unwrap();
        assert_eq!(first.manager_id, Some(boss.id));
        assert_eq!(boss.assistant(conn).unwrap(), Some(first.clone()));

        // replacing destroys the old assistant (dependent destroy)
        let second = boss.create_assistant(NewEmployee { name: "second" }, conn).unwrap();
        assert_eq!(names(&rows!(conn, employees, Employee)), [("boss", None), ("second", Some(boss.id))]);

        // the assistant has its own assistant: a chain of three
        let third = second.create_assistant(NewEmployee { name: "third" }, conn).unwrap();
        let loaded = Employee::preload_assistant(&[boss.clone(), second.clone(), third.clone()], conn).unwrap();
        assert_eq!(loaded, [Some(second.clone()), Some(third.clone()), None]);

        // set_: link an unlinked employee, the current one is destroyed with its own chain
        let loose = insert!(conn, employees, Employee, employees::name.eq("loose"));
        boss.set_assistant(Some(&loose), conn).unwrap();
        assert_eq!(names(&rows!(conn, employees, Employee)), [("boss", None), ("loose", Some(boss.id))]);

        // destroying the boss destroys the assistant, recursively
        let deeper = loose.create_assistant(NewEmployee { name: "deeper" }, conn).unwrap();
        assert_eq!(deeper.manager_id, Some(loose.id));
        boss.destroy(conn).unwrap();
        assert_eq!(rows!(conn, employees, Employee), []);
    }
}
