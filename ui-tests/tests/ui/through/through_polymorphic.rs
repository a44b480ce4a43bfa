// `through` a polymorphic `has_one` (`as = …`): Rails raises
// HasOneThroughCantAssociateThroughPolymorphic… when the class loads.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { members (id) { id -> Integer, name -> Text } }
diesel::table! { tags (id) { id -> Integer, taggable_id -> Nullable<Integer>, taggable_type -> Nullable<Text>, club_id -> Nullable<Integer> } }
diesel::table! { clubs (id) { id -> Integer, name -> Text } }
diesel::allow_tables_to_appear_in_same_query!(members, tags, clubs);

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = members)]
#[has_one(tag, as = "taggable")]
#[has_one(club, through = "tag")]
pub struct Member {
    pub id: i32,
    pub name: String,
}

#[derive(Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = tags, belongs_to(Club))]
pub struct Tag {
    pub id: i32,
    pub taggable_id: Option<i32>,
    pub taggable_type: Option<String>,
    pub club_id: Option<i32>,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = clubs)]
pub struct Club {
    pub id: i32,
    pub name: String,
}

fn main() {}
