//! Property tests: what we write is what serde_json reads, what serde_json writes we read back.
#![cfg_attr(not(feature = "alloc"), allow(unused_imports, dead_code))] // the tests that need alloc are gated

use base64::Engine as _;
use mimc_codec::ToJson;
use mimc_codec::api::{
    ApiRequest as _, History, PushMessage, PushP2p, PushSender, Response, TopicCreate, TopicData,
    TopicKick,
};
use proptest::prelude::*;

use super::{APP_ID, APP_KEY, APP_SECRET, TOPIC_ID, token_auth};

fn account() -> impl Strategy<Value = String> {
    "[^,]{1,12}"
}

proptest! {
    #[cfg(feature = "alloc")]
    #[test]
    fn create_bodies_are_what_serde_json_reads(
        name in ".{0,20}",
        accounts in prop::collection::vec(account(), 0..8),
    ) {
        let refs: Vec<&str> = accounts.iter().map(String::as_str).collect();
        let req = TopicCreate::new(APP_ID, token_auth(), name.as_str(), &refs).unwrap();
        let body = req.to_json_vec().unwrap();
        prop_assert_eq!(body.len(), req.json_len());
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        prop_assert_eq!(v["topicName"].as_str().unwrap(), name.as_str());
        prop_assert_eq!(v["accounts"].as_str().unwrap(), accounts.join(","));
        // Byte-identical to serde_json for the same strings.
        let want = format!(
            "{{\"topicName\":{},\"accounts\":{}}}",
            serde_json::to_string(&name).unwrap(),
            serde_json::to_string(&accounts.join(",")).unwrap()
        );
        prop_assert_eq!(String::from_utf8(body).unwrap(), want);
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn kick_paths_are_ascii_and_decode_back(accounts in prop::collection::vec(account(), 1..6)) {
        let refs: Vec<&str> = accounts.iter().map(String::as_str).collect();
        let req = TopicKick::new(APP_ID, TOPIC_ID, token_auth(), &refs).unwrap();
        let path = req.path().unwrap();
        prop_assert!(path.bytes().all(|b| b.is_ascii_graphic()));
        let query = path.split_once("?accounts=").unwrap().1;
        let decoded: Vec<String> = query
            .split(',')
            .map(|part| {
                let bytes = part.as_bytes();
                let mut out = Vec::new();
                let mut i = 0;
                while i < bytes.len() {
                    if bytes[i] == b'%' {
                        let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                        out.push(u8::from_str_radix(hex, 16).unwrap());
                        i += 3;
                    } else {
                        out.push(bytes[i]);
                        i += 1;
                    }
                }
                String::from_utf8(out).unwrap()
            })
            .collect();
        prop_assert_eq!(&decoded, &accounts);
        #[cfg(feature = "http")]
        prop_assert!(req.to_http_request(mimc_codec::api::BASE_URL).is_ok());
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn pushed_bytes_are_standard_base64(data in prop::collection::vec(any::<u8>(), 1..300)) {
        let sender = PushSender::new(APP_ID, APP_KEY, APP_SECRET, "user_lei", "push_server");
        let req = PushP2p::new(sender, "10", PushMessage::bytes(&data)).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&req.to_json_vec().unwrap()).unwrap();
        let msg = v["msg"].as_str().unwrap();
        prop_assert_eq!(base64::engine::general_purpose::STANDARD.decode(msg).unwrap(), data);
    }

    #[test]
    fn replies_serde_json_writes_are_read_back(
        members in prop::collection::vec((any::<u64>(), any::<bool>(), ".{0,10}"), 0..10),
        messages in prop::collection::vec(
            (any::<u64>(), any::<u64>(), prop::collection::vec(any::<u8>(), 0..40)), 0..10),
    ) {
        let id = |v: u64, quoted: bool| {
            if quoted { serde_json::json!(v.to_string()) } else { serde_json::json!(v) }
        };
        let body = serde_json::json!({"code": 200, "message": "success", "data": {
            "topicInfo": {"topicId": "1", "ownerUuid": 2, "topicName": "t", "bulletin": ""},
            "members": members.iter().map(|(u, q, a)| serde_json::json!({"uuid": id(*u, *q), "account": a}))
                .collect::<Vec<_>>(),
        }});
        let bytes = serde_json::to_vec(&body).unwrap();
        let data = TopicData::from_json(&bytes).unwrap();
        prop_assert_eq!(data.members().len(), members.len());
        for (m, (u, q, a)) in data.members().iter().zip(&members) {
            prop_assert_eq!(m.uuid().get(), *u);
            prop_assert_eq!(m.uuid().is_quoted(), *q);
            prop_assert_eq!(m.account().to_string(), a.clone());
        }

        let b64 = base64::engine::general_purpose::STANDARD;
        let body = serde_json::json!({"code": 200, "message": "success", "data": {
            "appId": APP_ID.to_string(), "row": messages.len(),
            "messages": messages.iter().map(|(s, t, p)| serde_json::json!({
                "sequence": s.to_string(), "payload": b64.encode(p), "ts": t, "fromAccount": "a"}))
                .collect::<Vec<_>>(),
        }});
        let bytes = serde_json::to_vec(&body).unwrap();
        let h = History::from_json(&bytes).unwrap();
        let mut buf = [0u8; 64];
        for (m, (s, t, p)) in h.messages().iter().zip(&messages) {
            prop_assert_eq!((m.sequence().get(), m.ts().get()), (*s, *t));
            prop_assert_eq!(m.payload_len().unwrap(), p.len());
            prop_assert_eq!(m.payload_into(&mut buf).unwrap(), p.as_slice());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = Response::from_json(&bytes);
        let _ = TopicData::from_json(&bytes);
        let _ = History::from_json(&bytes);
    }
}
