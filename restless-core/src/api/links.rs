//! Links (C3): what every URL in a document is built from.

use crate::query::Param;
use crate::url::{encode_query, encode_segment};

/// The types with a URL prefix of their own, and it (V2 `url_prefix`).
pub(crate) type OwnPrefixes = std::sync::Arc<[(&'static str, String)]>;

/// What links are built from: `scheme://host`, the prefix, and the request URL (C3).
#[derive(Clone, Debug)]
pub(crate) struct LinkBase {
    /// `scheme://host[:port]` followed by the prefix.
    pub(crate) api: String,
    /// `scheme://host[:port]` followed by the mount point, and the types with a prefix of
    /// their own (V2 `url_prefix`).
    pub(crate) own: Option<(String, OwnPrefixes)>,
    /// `scheme://host[:port]` followed by the request path.
    pub(crate) request: String,
    /// The request's parameters, in order.
    pub(crate) params: Vec<Param>,
}

impl LinkBase {
    /// The request URL with its query in canonical encoding (C3.4).
    pub(crate) fn self_url(&self) -> String {
        let mut url = self.request.clone();
        if !self.params.is_empty() {
            url.push('?');
            url.push_str(&encode_query(
                self.params
                    .iter()
                    .map(|p| (p.name.as_str(), p.value.as_str())),
            ));
        }
        url
    }

    /// The request URL for page `number` of `size` (I3.2).
    pub(crate) fn page_url(&self, number: u64, size: u32) -> String {
        let mut url = self.request.clone();
        url.push('?');
        self.push_kept(&mut url);
        url.push_str(&format!("page%5Bnumber%5D={number}&page%5Bsize%5D={size}"));
        url
    }

    /// The request URL for the page of `size` after or before `cursor` (I6.4): `name` is
    /// `page%5Bafter%5D` or `page%5Bbefore%5D`; a cursor is URL-safe as it is (I6.2).
    pub(crate) fn cursor_url(&self, name: &str, cursor: &str, size: u32) -> String {
        let mut url = self.request.clone();
        url.push('?');
        self.push_kept(&mut url);
        url.push_str(&format!("{name}={cursor}&page%5Bsize%5D={size}"));
        url
    }

    /// Every parameter but the page's, in order and canonically encoded, each followed by `&`
    /// (I3.2).
    fn push_kept(&self, url: &mut String) {
        let kept = encode_query(
            self.params
                .iter()
                .filter(|p| !crate::query::is_page_param(&p.name))
                .map(|p| (p.name.as_str(), p.value.as_str())),
        );
        if !kept.is_empty() {
            url.push_str(&kept);
            url.push('&');
        }
    }

    /// The URL of a collection.
    pub(crate) fn collection_url(&self, type_name: &str) -> String {
        match self.own_prefix(type_name) {
            Some((origin, prefix)) => format!("{origin}{prefix}/{type_name}"),
            None => format!("{}/{type_name}", self.api),
        }
    }

    /// The URL of one resource (C3.2).
    pub(crate) fn resource_url(&self, type_name: &str, id: &str) -> String {
        let id = encode_segment(id);
        match self.own_prefix(type_name) {
            Some((origin, prefix)) => format!("{origin}{prefix}/{type_name}/{id}"),
            None => format!("{}/{type_name}/{id}", self.api),
        }
    }

    fn own_prefix(&self, type_name: &str) -> Option<(&str, &str)> {
        let (origin, prefixes) = self.own.as_ref()?;
        prefixes
            .iter()
            .find(|(t, _)| *t == type_name)
            .map(|(_, p)| (origin.as_str(), p.as_str()))
    }
}
