//! The list of the API's calls: name, method and route of each, in one place.

use core::fmt;

use super::Method;

/// One call of the HTTP API, named as in SPEC section 3 and the fixtures (`topic-create`).
///
/// The request types ([`TopicCreate`](super::TopicCreate), ...) know their own call
/// ([`ApiRequest::CALL`](super::ApiRequest::CALL)); this enum is the list of all of them, for code that
/// picks a call by name (a command line, a router, a fuzz target) or walks every call.
///
/// ```
/// use mimc_codec::api::{Call, Method};
///
/// let call = Call::from_name("topic-kick").unwrap();
/// assert_eq!(call, Call::TopicKick);
/// assert_eq!(call.method(), Method::Delete);
/// assert_eq!(call.route(), "/api/topic/{appId}/{topicId}/accounts?accounts={accounts}");
/// assert!(!call.has_body());
/// assert_eq!(Call::ALL.len(), 16);
/// assert_eq!(Call::ALL.iter().filter(|c| c.has_body()).count(), 10);
/// assert_eq!(Call::from_name("topic-frobnicate"), None);
/// assert_eq!("history-p2t".parse::<Call>()?, Call::HistoryP2t);
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Call {
    /// `token`: [`TokenRequest`](super::TokenRequest).
    Token,
    /// `push-p2p`: [`PushP2p`](super::PushP2p).
    PushP2p,
    /// `push-p2p-more`: [`PushP2pMore`](super::PushP2pMore).
    PushP2pMore,
    /// `push-p2t`: [`PushP2t`](super::PushP2t).
    PushP2t,
    /// `push-p2t-more`: [`PushP2tMore`](super::PushP2tMore).
    PushP2tMore,
    /// `topic-create`: [`TopicCreate`](super::TopicCreate).
    TopicCreate,
    /// `topic-query`: [`TopicQuery`](super::TopicQuery).
    TopicQuery,
    /// `topic-mine`: [`TopicMine`](super::TopicMine).
    TopicMine,
    /// `topic-join`: [`TopicJoin`](super::TopicJoin).
    TopicJoin,
    /// `topic-quit`: [`TopicQuit`](super::TopicQuit).
    TopicQuit,
    /// `topic-kick`: [`TopicKick`](super::TopicKick).
    TopicKick,
    /// `topic-update`: [`TopicUpdate`](super::TopicUpdate).
    TopicUpdate,
    /// `topic-dismiss`: [`TopicDismiss`](super::TopicDismiss).
    TopicDismiss,
    /// `history-p2p`: [`HistoryP2p`](super::HistoryP2p).
    HistoryP2p,
    /// `history-p2t`: [`HistoryP2t`](super::HistoryP2t).
    HistoryP2t,
    /// `contacts`: [`ContactsRequest`](super::ContactsRequest).
    Contacts,
}

impl Call {
    /// Every call, in the order of the manual (and of the table in the [`api`](super) docs).
    pub const ALL: [Call; 16] = [
        Call::Token,
        Call::PushP2p,
        Call::PushP2pMore,
        Call::PushP2t,
        Call::PushP2tMore,
        Call::TopicCreate,
        Call::TopicQuery,
        Call::TopicMine,
        Call::TopicJoin,
        Call::TopicQuit,
        Call::TopicKick,
        Call::TopicUpdate,
        Call::TopicDismiss,
        Call::HistoryP2p,
        Call::HistoryP2t,
        Call::Contacts,
    ];

    /// The call's name, equal to its request type's [`ApiRequest::CALL`](super::ApiRequest::CALL).
    pub const fn name(self) -> &'static str {
        match self {
            Call::Token => "token",
            Call::PushP2p => "push-p2p",
            Call::PushP2pMore => "push-p2p-more",
            Call::PushP2t => "push-p2t",
            Call::PushP2tMore => "push-p2t-more",
            Call::TopicCreate => "topic-create",
            Call::TopicQuery => "topic-query",
            Call::TopicMine => "topic-mine",
            Call::TopicJoin => "topic-join",
            Call::TopicQuit => "topic-quit",
            Call::TopicKick => "topic-kick",
            Call::TopicUpdate => "topic-update",
            Call::TopicDismiss => "topic-dismiss",
            Call::HistoryP2p => "history-p2p",
            Call::HistoryP2t => "history-p2t",
            Call::Contacts => "contacts",
        }
    }

    /// The call named `name` (exactly, as [`name`](Self::name) gives it).
    pub fn from_name(name: &str) -> Option<Call> {
        Call::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The HTTP method.
    #[must_use]
    pub const fn method(self) -> Method {
        match self {
            Call::TopicQuery | Call::TopicMine | Call::Contacts => Method::Get,
            Call::TopicUpdate => Method::Put,
            Call::TopicQuit | Call::TopicKick | Call::TopicDismiss => Method::Delete,
            _ => Method::Post,
        }
    }

    /// The path template: what [`ApiRequest::write_path`](super::ApiRequest::write_path) writes, with
    /// `{appId}`, `{topicId}` and (topic-kick's query) `{accounts}` where the request's values go.
    pub const fn route(self) -> &'static str {
        match self {
            Call::Token => "/api/account/token",
            Call::PushP2p => "/api/push/p2p/",
            Call::PushP2pMore => "/api/push/p2p/more",
            Call::PushP2t => "/api/push/p2t/",
            Call::PushP2tMore => "/api/push/p2t/more",
            Call::TopicCreate => "/api/topic/{appId}",
            Call::TopicQuery | Call::TopicUpdate | Call::TopicDismiss => {
                "/api/topic/{appId}/{topicId}"
            }
            Call::TopicMine => "/api/topic/{appId}/account",
            Call::TopicJoin => "/api/topic/{appId}/{topicId}/accounts",
            Call::TopicQuit => "/api/topic/{appId}/{topicId}/account",
            Call::TopicKick => "/api/topic/{appId}/{topicId}/accounts?accounts={accounts}",
            Call::HistoryP2p => "/api/msg/p2p/query/",
            Call::HistoryP2t => "/api/msg/p2t/query/",
            Call::Contacts => "/api/contact/",
        }
    }

    /// Does the call send a JSON body? (POST and PUT do; GET and DELETE do not.)
    pub const fn has_body(self) -> bool {
        matches!(self.method(), Method::Post | Method::Put)
    }
}

/// The call's [`name`](Call::name).
impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl core::str::FromStr for Call {
    type Err = crate::Error;
    /// [`from_name`](Call::from_name); an unknown name is
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) at byte 0.
    fn from_str(s: &str) -> crate::Result<Self> {
        Call::from_name(s).ok_or(crate::Error::new(
            crate::ErrorKind::InvalidValue("not a call of the API"),
            0,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found_again() {
        for (i, call) in Call::ALL.iter().enumerate() {
            assert_eq!(Call::from_name(call.name()), Some(*call));
            assert!(Call::ALL[..i].iter().all(|c| c.name() != call.name()));
            assert!(call.route().starts_with("/api/"));
        }
    }
}
