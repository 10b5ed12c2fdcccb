//! Differential against prost (an independent protobuf implementation; the twins are the ones the
//! integration tests use): whatever bytes prost accepts as a ClientHeader, MIMCPacket, MIMCP2PMessage,
//! MIMCPacketList or UCMessage, this crate accepts too, with the same fields; its re-encoding is what
//! prost reads as that value (with the `required` fields this crate always writes).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mimc_codec::protocol::{ClientHeader, MimcP2pMessage, MimcPacket, MimcPacketList, UcMessage};
use prost::Message as _;

#[path = "../../tests/it/protocol_pb.rs"]
mod pb;

macro_rules! differential {
    ($bytes:expr, $ours:ty, $prost:ty, $view:path) => {
        differential!($bytes, $ours, $prost, $view, |_: &mut $prost| {})
    };
    ($bytes:expr, $ours:ty, $prost:ty, $view:path, $required:expr) => {{
        if let Ok(theirs) = <$prost>::decode($bytes) {
            let ours = <$ours>::decode($bytes).expect("prost accepted it");
            assert_eq!($view(&ours), theirs);
            let mut mine = vec![0u8; ours.encoded_len()];
            ours.encode(&mut mine).unwrap();
            // This crate writes unset `required` fields with their defaults; prost does not.
            let mut theirs = theirs;
            $required(&mut theirs);
            assert_eq!(<$prost>::decode(&mine[..]).unwrap(), theirs);
        }
    }};
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, bytes)) = data.split_first() else {
        return;
    };
    match sel % 5 {
        0 => differential!(bytes, ClientHeader, pb::ClientHeader, pb::header),
        1 => differential!(bytes, MimcPacket, pb::MimcPacket, pb::packet),
        2 => differential!(bytes, MimcP2pMessage, pb::MimcP2pMessage, pb::p2p),
        3 => differential!(bytes, MimcPacketList, pb::MimcPacketList, pb::list),
        _ => differential!(
            bytes,
            UcMessage,
            pb::UcMessage,
            pb::uc_message,
            |m: &mut pb::UcMessage| {
                m.group.get_or_insert_with(Default::default);
                m.payload.get_or_insert_with(Vec::new);
            }
        ),
    }
});
