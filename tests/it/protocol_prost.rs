//! Differential tests of the protocol's protobuf layer against `prost` (an independent implementation):
//! hand-written `#[derive(prost::Message)]` structs for the same schema, on the vectors and on
//! proptest-generated messages. Both directions: prost's bytes decode here to the same fields and
//! re-encode byte-identically; this crate's bytes decode in prost to the same message.

use mimc_codec::protocol::{
    ClientHeader, MimcMsgType, MimcP2pMessage, MimcPacket, MimcPacketList, UcMessage, UcPacket,
};
use proptest::prelude::*;
use prost::Message as _;

use super::protocol::{encode_vec, unhex, vectors};
use super::protocol_pb as pb;
use super::protocol_pb::{header, list, p2p, packet, uc_message, uc_packet};

/// prost's bytes → this crate: the same fields, and the same bytes again. This crate's bytes → prost:
/// the same message.
macro_rules! differential {
    ($bytes:expr, $ours:ty, $prost:ty, $view:ident) => {{
        let bytes: &[u8] = $bytes;
        let theirs = <$prost>::decode(bytes).expect("prost decodes");
        let ours = <$ours>::decode(bytes).expect("we decode");
        assert_eq!($view(&ours), theirs);
        let mine = encode_vec(&ours);
        assert_eq!(mine, theirs.encode_to_vec(), "same bytes as prost");
        assert_eq!(<$prost>::decode(&mine[..]).unwrap(), theirs);
    }};
}

#[test]
fn the_vectors_agree_with_prost() {
    let v = vectors();
    let mut n = 0;
    for (name, vf) in v.as_object().unwrap() {
        for key in ["mimc_packet_hex"] {
            if let Some(hex) = vf.get(key) {
                let bytes = unhex(hex.as_str().unwrap());
                differential!(&bytes, MimcPacket, pb::MimcPacket, packet);
                let p = MimcPacket::decode(&bytes).unwrap();
                match p.msg_type() {
                    MimcMsgType::P2pMessage => {
                        differential!(p.payload(), MimcP2pMessage, pb::MimcP2pMessage, p2p);
                    }
                    MimcMsgType::Compound => {
                        differential!(p.payload(), MimcPacketList, pb::MimcPacketList, list);
                    }
                    MimcMsgType::UcPacket => {
                        differential!(p.payload(), UcPacket, pb::UcPacket, uc_packet);
                        let uc = UcPacket::decode(p.payload()).unwrap();
                        differential!(uc.payload(), UcMessage, pb::UcMessage, uc_message);
                    }
                    _ => {}
                }
                n += 1;
                let _ = name;
            }
        }
    }
    assert!(n >= 6, "{n}");
    let uc = super::protocol::shared_bytes("testdata/mimc-v6/flutter_mimc__issue12_ucpacket.bin");
    differential!(&uc, UcPacket, pb::UcPacket, uc_packet);
    let inner = UcPacket::decode(&uc).unwrap();
    differential!(inner.payload(), UcMessage, pb::UcMessage, uc_message);
}

fn s() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(".{0,12}")
}
fn b() -> impl Strategy<Value = Option<Vec<u8>>> {
    proptest::option::of(proptest::collection::vec(any::<u8>(), 0..24))
}

prop_compose! {
    fn arb_header()(
        chid in any::<Option<i32>>(), uuid in any::<Option<i64>>(), server in s(), resource in s(),
        cmd in s(), subcmd in s(), id in s(), dir_flag in any::<Option<i32>>(),
        cipher in any::<Option<i32>>(), err_code in any::<Option<i32>>(), err_str in s(),
    ) -> pb::ClientHeader {
        pb::ClientHeader { chid, uuid, server, resource, cmd, subcmd, id, dir_flag, cipher, err_code, err_str }
    }
}

prop_compose! {
    fn arb_packet()(
        packet_id in s(), package in s(), sequence in any::<Option<i64>>(), r#type in any::<Option<i32>>(),
        payload in b(), timestamp in any::<Option<i64>>(), conversation in any::<Option<bool>>(),
        conv_index in any::<Option<i64>>(),
    ) -> pb::MimcPacket {
        pb::MimcPacket { packet_id, package, sequence, r#type, payload, timestamp, conversation, conv_index }
    }
}

prop_compose! {
    fn arb_user()(app_id in any::<Option<u64>>(), app_account in s(), uuid in any::<Option<u64>>(),
                   resource in s()) -> pb::MimcUser {
        pb::MimcUser { app_id, app_account, uuid, resource }
    }
}

prop_compose! {
    fn arb_p2p()(from in proptest::option::of(arb_user()), to in proptest::option::of(arb_user()),
                 payload in b(), is_store in any::<Option<bool>>(), biz_type in s()) -> pb::MimcP2pMessage {
        pb::MimcP2pMessage { from, to, payload, is_store, biz_type }
    }
}

prop_compose! {
    fn arb_list()(uuid in any::<Option<u64>>(), resource in s(), max_sequence in any::<Option<i64>>(),
                  packets in proptest::collection::vec(arb_packet(), 0..4), status in any::<Option<i32>>(),
                  min_sequence in any::<Option<i64>>()) -> pb::MimcPacketList {
        pb::MimcPacketList { uuid, resource, max_sequence, packets, status, min_sequence }
    }
}

prop_compose! {
    fn arb_uc_message()(app_id in any::<Option<u64>>(), topic_id in any::<Option<u64>>(),
                        has_group in any::<bool>(), payload in b(), sequence in any::<Option<i64>>(),
                        is_store in any::<Option<bool>>(), user in proptest::option::of(arb_user()),
                        timestamp in any::<Option<i64>>(), packet_id in s(), biz_type in s()) -> pb::UcMessage {
        let group = has_group.then_some(pb::UcGroup { app_id, topic_id });
        pb::UcMessage { group, payload, sequence, is_store, user, timestamp, packet_id, biz_type }
    }
}

proptest! {
    #[test]
    fn headers_agree_with_prost(m in arb_header()) {
        differential!(&m.encode_to_vec(), ClientHeader, pb::ClientHeader, header);
    }

    #[test]
    fn packets_agree_with_prost(m in arb_packet()) {
        differential!(&m.encode_to_vec(), MimcPacket, pb::MimcPacket, packet);
    }

    #[test]
    fn p2p_messages_agree_with_prost(m in arb_p2p()) {
        differential!(&m.encode_to_vec(), MimcP2pMessage, pb::MimcP2pMessage, p2p);
    }

    #[test]
    fn packet_lists_agree_with_prost(m in arb_list()) {
        differential!(&m.encode_to_vec(), MimcPacketList, pb::MimcPacketList, list);
    }

    #[test]
    fn uc_messages_agree_with_prost(m in arb_uc_message()) {
        // UCMessage.group and .payload are `required`: this crate writes them even when unset, prost
        // (which treats them as optional here) does not; compare on messages that set them.
        let mut m = m;
        m.group.get_or_insert_with(Default::default);
        m.payload.get_or_insert_with(Vec::new);
        differential!(&m.encode_to_vec(), UcMessage, pb::UcMessage, uc_message);
    }

    /// Arbitrary bytes: whenever prost accepts them, so does this crate, with the same fields.
    #[test]
    fn arbitrary_bytes_agree_with_prost(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(theirs) = pb::MimcPacket::decode(&bytes[..]) {
            let ours = MimcPacket::decode(&bytes).expect("prost accepted it");
            prop_assert_eq!(packet(&ours), theirs);
        }
        if let Ok(theirs) = pb::ClientHeader::decode(&bytes[..]) {
            let ours = ClientHeader::decode(&bytes).expect("prost accepted it");
            prop_assert_eq!(header(&ours), theirs);
        }
    }
}
