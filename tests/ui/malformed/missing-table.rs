diesel::table! {
    article (id) {
        id -> Integer,
        title -> Text,
        author_id -> Nullable<Integer>,
    }
}

#[derive(restless::JsonApiResource)]
struct Article {
    id: i32,
    title: String,
}
fn main() {}
