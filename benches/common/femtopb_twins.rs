//! `femtopb` twins of the messages the protocol cases decode, derived by hand from
//! `../shared/proto/*.proto` (what `femtopb-build` would generate for proto2 `optional` fields:
//! `Option<T>`, strings and bytes borrowed from the input, a repeated message read lazily, unknown
//! fields kept as a borrowed slice). Enums (`MIMC_MSG_TYPE`, `MIMC_PUSH_STATUS`, `MSG_DIR_FLAG`) are
//! read as their `int32` wire value, as prost's twins do.
//!
//! The file is `no_std`-clean so the firmware's `femtopb-protocol-p2p` program includes it too
//! (`#[path]`), measuring the same code on bare metal.

/// `ims_push_service.proto` `ClientHeader`.
#[derive(Clone, femtopb::Message)]
pub struct ClientHeader<'a> {
    #[femtopb(int32, optional, tag = 1)]
    pub chid: Option<i32>,
    #[femtopb(int64, optional, tag = 2)]
    pub uuid: Option<i64>,
    #[femtopb(string, optional, tag = 3)]
    pub server: Option<&'a str>,
    #[femtopb(string, optional, tag = 4)]
    pub resource: Option<&'a str>,
    #[femtopb(string, optional, tag = 5)]
    pub cmd: Option<&'a str>,
    #[femtopb(string, optional, tag = 6)]
    pub subcmd: Option<&'a str>,
    #[femtopb(string, optional, tag = 7)]
    pub id: Option<&'a str>,
    #[femtopb(int32, optional, tag = 8)]
    pub dir_flag: Option<i32>,
    #[femtopb(int32, optional, tag = 9)]
    pub cipher: Option<i32>,
    #[femtopb(int32, optional, tag = 10)]
    pub err_code: Option<i32>,
    #[femtopb(string, optional, tag = 11)]
    pub err_str: Option<&'a str>,
    #[femtopb(unknown_fields)]
    pub unknown_fields: femtopb::UnknownFields<'a>,
}

/// `mimc.proto` `MIMCPacket`.
#[derive(Clone, femtopb::Message)]
pub struct MimcPacket<'a> {
    #[femtopb(string, optional, tag = 1)]
    pub packet_id: Option<&'a str>,
    #[femtopb(string, optional, tag = 2)]
    pub package: Option<&'a str>,
    #[femtopb(int64, optional, tag = 3)]
    pub sequence: Option<i64>,
    /// `MIMC_MSG_TYPE`.
    #[femtopb(int32, optional, tag = 4)]
    pub r#type: Option<i32>,
    #[femtopb(bytes, optional, tag = 5)]
    pub payload: Option<&'a [u8]>,
    #[femtopb(int64, optional, tag = 6)]
    pub timestamp: Option<i64>,
    #[femtopb(bool, optional, tag = 7)]
    pub conversation: Option<bool>,
    #[femtopb(int64, optional, tag = 8)]
    pub conv_index: Option<i64>,
    #[femtopb(unknown_fields)]
    pub unknown_fields: femtopb::UnknownFields<'a>,
}

/// `mimc.proto` `MIMCPacketList` (the payload of a COMPOUND packet).
#[derive(Clone, femtopb::Message)]
pub struct MimcPacketList<'a> {
    #[femtopb(uint64, optional, tag = 1)]
    pub uuid: Option<u64>,
    #[femtopb(string, optional, tag = 2)]
    pub resource: Option<&'a str>,
    #[femtopb(int64, optional, tag = 3)]
    pub max_sequence: Option<i64>,
    #[femtopb(message, repeated, tag = 4)]
    pub packets:
        femtopb::Repeated<'a, MimcPacket<'a>, femtopb::item_encoding::Message<'a, MimcPacket<'a>>>,
    /// `MIMC_PUSH_STATUS`.
    #[femtopb(int32, optional, tag = 5)]
    pub status: Option<i32>,
    #[femtopb(int64, optional, tag = 6)]
    pub min_sequence: Option<i64>,
    #[femtopb(unknown_fields)]
    pub unknown_fields: femtopb::UnknownFields<'a>,
}

/// `mimc.proto` `MIMCP2PMessage`.
#[derive(Clone, femtopb::Message)]
pub struct MimcP2pMessage<'a> {
    #[femtopb(message, optional, tag = 1)]
    pub from: Option<MimcUser<'a>>,
    #[femtopb(message, optional, tag = 2)]
    pub to: Option<MimcUser<'a>>,
    #[femtopb(bytes, optional, tag = 3)]
    pub payload: Option<&'a [u8]>,
    #[femtopb(bool, optional, tag = 4)]
    pub is_store: Option<bool>,
    #[femtopb(string, optional, tag = 5)]
    pub biz_type: Option<&'a str>,
    #[femtopb(unknown_fields)]
    pub unknown_fields: femtopb::UnknownFields<'a>,
}

/// `mimc.proto` `MIMCUser`.
#[derive(Clone, femtopb::Message)]
pub struct MimcUser<'a> {
    #[femtopb(uint64, optional, tag = 1)]
    pub app_id: Option<u64>,
    #[femtopb(string, optional, tag = 2)]
    pub app_account: Option<&'a str>,
    #[femtopb(uint64, optional, tag = 3)]
    pub uuid: Option<u64>,
    #[femtopb(string, optional, tag = 4)]
    pub resource: Option<&'a str>,
    #[femtopb(unknown_fields)]
    pub unknown_fields: femtopb::UnknownFields<'a>,
}
