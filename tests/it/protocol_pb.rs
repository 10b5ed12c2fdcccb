//! `prost` twins of a few protocol messages (hand-written `#[derive(prost::Message)]`, no protoc) and
//! views of this crate's messages in their types, for differential tests. Shared with the fuzz target
//! `protocol_differential` (`#[path]`).
#![allow(clippy::derive_partial_eq_without_eq, dead_code)]

use mimc_codec::protocol::{
    ClientHeader as OurHeader, MimcMsgType, MimcP2pMessage as OurP2p, MimcPacket as OurPacket,
    MimcPacketList as OurList, MimcPushStatus, MimcUser as OurUser, MsgDirFlag,
    UcMessage as OurUcMessage, UcMsgType, UcPacket as OurUcPacket,
};

#[derive(Clone, PartialEq, prost::Message)]
pub struct ClientHeader {
    #[prost(int32, optional, tag = "1")]
    pub chid: Option<i32>,
    #[prost(int64, optional, tag = "2")]
    pub uuid: Option<i64>,
    #[prost(string, optional, tag = "3")]
    pub server: Option<String>,
    #[prost(string, optional, tag = "4")]
    pub resource: Option<String>,
    #[prost(string, optional, tag = "5")]
    pub cmd: Option<String>,
    #[prost(string, optional, tag = "6")]
    pub subcmd: Option<String>,
    #[prost(string, optional, tag = "7")]
    pub id: Option<String>,
    #[prost(int32, optional, tag = "8")]
    pub dir_flag: Option<i32>,
    #[prost(int32, optional, tag = "9")]
    pub cipher: Option<i32>,
    #[prost(int32, optional, tag = "10")]
    pub err_code: Option<i32>,
    #[prost(string, optional, tag = "11")]
    pub err_str: Option<String>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct MimcPacket {
    #[prost(string, optional, tag = "1")]
    pub packet_id: Option<String>,
    #[prost(string, optional, tag = "2")]
    pub package: Option<String>,
    #[prost(int64, optional, tag = "3")]
    pub sequence: Option<i64>,
    #[prost(int32, optional, tag = "4")]
    pub r#type: Option<i32>,
    #[prost(bytes = "vec", optional, tag = "5")]
    pub payload: Option<Vec<u8>>,
    #[prost(int64, optional, tag = "6")]
    pub timestamp: Option<i64>,
    #[prost(bool, optional, tag = "7")]
    pub conversation: Option<bool>,
    #[prost(int64, optional, tag = "8")]
    pub conv_index: Option<i64>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct MimcUser {
    #[prost(uint64, optional, tag = "1")]
    pub app_id: Option<u64>,
    #[prost(string, optional, tag = "2")]
    pub app_account: Option<String>,
    #[prost(uint64, optional, tag = "3")]
    pub uuid: Option<u64>,
    #[prost(string, optional, tag = "4")]
    pub resource: Option<String>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct MimcP2pMessage {
    #[prost(message, optional, tag = "1")]
    pub from: Option<MimcUser>,
    #[prost(message, optional, tag = "2")]
    pub to: Option<MimcUser>,
    #[prost(bytes = "vec", optional, tag = "3")]
    pub payload: Option<Vec<u8>>,
    #[prost(bool, optional, tag = "4")]
    pub is_store: Option<bool>,
    #[prost(string, optional, tag = "5")]
    pub biz_type: Option<String>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct MimcPacketList {
    #[prost(uint64, optional, tag = "1")]
    pub uuid: Option<u64>,
    #[prost(string, optional, tag = "2")]
    pub resource: Option<String>,
    #[prost(int64, optional, tag = "3")]
    pub max_sequence: Option<i64>,
    #[prost(message, repeated, tag = "4")]
    pub packets: Vec<MimcPacket>,
    #[prost(int32, optional, tag = "5")]
    pub status: Option<i32>,
    #[prost(int64, optional, tag = "6")]
    pub min_sequence: Option<i64>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct UcGroup {
    #[prost(uint64, optional, tag = "1")]
    pub app_id: Option<u64>,
    #[prost(uint64, optional, tag = "2")]
    pub topic_id: Option<u64>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct UcPacket {
    #[prost(message, optional, tag = "1")]
    pub user: Option<MimcUser>,
    #[prost(int32, optional, tag = "2")]
    pub r#type: Option<i32>,
    #[prost(bytes = "vec", optional, tag = "3")]
    pub payload: Option<Vec<u8>>,
    #[prost(string, optional, tag = "4")]
    pub packet_id: Option<String>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct UcMessage {
    #[prost(message, optional, tag = "1")]
    pub group: Option<UcGroup>,
    #[prost(bytes = "vec", optional, tag = "2")]
    pub payload: Option<Vec<u8>>,
    #[prost(int64, optional, tag = "3")]
    pub sequence: Option<i64>,
    #[prost(bool, optional, tag = "4")]
    pub is_store: Option<bool>,
    #[prost(message, optional, tag = "5")]
    pub user: Option<MimcUser>,
    #[prost(int64, optional, tag = "6")]
    pub timestamp: Option<i64>,
    #[prost(string, optional, tag = "7")]
    pub packet_id: Option<String>,
    #[prost(string, optional, tag = "8")]
    pub biz_type: Option<String>,
}

// Field-by-field views of this crate's messages in prost's types (owned copies, for comparing).

pub fn header(h: &OurHeader<'_>) -> ClientHeader {
    ClientHeader {
        chid: h.chid,
        uuid: h.uuid,
        server: h.server.map(str::to_owned),
        resource: h.resource.map(str::to_owned),
        cmd: h.cmd.map(str::to_owned),
        subcmd: h.subcmd.map(str::to_owned),
        id: h.id.map(str::to_owned),
        dir_flag: h.dir_flag.map(MsgDirFlag::to_i32),
        cipher: h.cipher,
        err_code: h.err_code,
        err_str: h.err_str.map(str::to_owned),
    }
}

pub fn packet(p: &OurPacket<'_>) -> MimcPacket {
    MimcPacket {
        packet_id: p.packet_id.map(str::to_owned),
        package: p.package.map(str::to_owned),
        sequence: p.sequence,
        r#type: p.msg_type.map(MimcMsgType::to_i32),
        payload: p.payload.map(<[u8]>::to_vec),
        timestamp: p.timestamp,
        conversation: p.conversation,
        conv_index: p.conv_index,
    }
}

pub fn user(u: &OurUser<'_>) -> MimcUser {
    MimcUser {
        app_id: u.app_id,
        app_account: u.app_account.map(str::to_owned),
        uuid: u.uuid,
        resource: u.resource.map(str::to_owned),
    }
}

pub fn p2p(m: &OurP2p<'_>) -> MimcP2pMessage {
    MimcP2pMessage {
        from: m.from.as_ref().map(user),
        to: m.to.as_ref().map(user),
        payload: m.payload.map(<[u8]>::to_vec),
        is_store: m.is_store,
        biz_type: m.biz_type.map(str::to_owned),
    }
}

pub fn list(l: &OurList<'_>) -> MimcPacketList {
    MimcPacketList {
        uuid: l.uuid,
        resource: l.resource.map(str::to_owned),
        max_sequence: l.max_sequence,
        packets: l.packets.iter().map(|p| packet(&p.unwrap())).collect(),
        status: l.status.map(MimcPushStatus::to_i32),
        min_sequence: l.min_sequence,
    }
}

pub fn uc_packet(p: &OurUcPacket<'_>) -> UcPacket {
    UcPacket {
        user: p.user.as_ref().map(user),
        r#type: p.msg_type.map(UcMsgType::to_i32),
        payload: p.payload.map(<[u8]>::to_vec),
        packet_id: p.packet_id.map(str::to_owned),
    }
}

pub fn uc_message(m: &OurUcMessage<'_>) -> UcMessage {
    UcMessage {
        group: m.group.map(|g| UcGroup {
            app_id: g.app_id,
            topic_id: g.topic_id,
        }),
        payload: m.payload.map(<[u8]>::to_vec),
        sequence: m.sequence,
        is_store: m.is_store,
        user: m.user.as_ref().map(user),
        timestamp: m.timestamp,
        packet_id: m.packet_id.map(str::to_owned),
        biz_type: m.biz_type.map(str::to_owned),
    }
}
