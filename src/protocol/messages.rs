//! The protobuf messages a MIMC client exchanges (PROTOCOL.md §4-§8), declared as tables.
//!
//! Schema: `ims_push_service.proto` (package `ims`: the frame header and the control messages),
//! `control_message.proto` (package `protocol`) and `mimc.proto` (package `mimc`: the SECMSG payloads).
//! Every field is proto2 `optional` or `required`; both are `Option`s here (a `required` field missing
//! on the wire is accepted, and written with its default when unset).

use super::pb::{SecretStr, pb_enum, pb_messages};

pb_enum! {
    /// `ims.ClientHeader.MSG_DIR_FLAG`: the direction and kind of a frame.
    ///
    /// ```
    /// use mimc_codec::protocol::MsgDirFlag;
    /// assert_eq!(MsgDirFlag::from_i32(4), MsgDirFlag::ScOneway);
    /// assert_eq!(MsgDirFlag::ScOneway.name(), Some("SC_ONEWAY"));
    /// assert_eq!(MsgDirFlag::from_i32(9), MsgDirFlag::Unknown(9));
    /// assert_eq!("SC_ONEWAY".parse(), Ok(MsgDirFlag::ScOneway)); // FromStr: the .proto name
    /// assert!("sc_oneway".parse::<MsgDirFlag>().is_err());
    /// ```
    MsgDirFlag = "MSG_DIR_FLAG" {
        /// Client to server, no answer expected.
        #[default]
        CsOneway = 1 "CS_ONEWAY",
        /// Client request (every uplink frame of the TCP SDKs).
        CsReq = 2 "CS_REQ",
        /// Client response.
        CsResp = 3 "CS_RESP",
        /// Server to client, no answer expected (BIND response, SECMSG downlink).
        ScOneway = 4 "SC_ONEWAY",
        /// Server request.
        ScReq = 5 "SC_REQ",
        /// Server response.
        ScResp = 6 "SC_RESP",
    }

    /// `mimc.MIMC_MSG_TYPE`: what a [`MimcPacket`]'s payload holds.
    ///
    /// ```
    /// use mimc_codec::protocol::MimcMsgType;
    /// assert_eq!(MimcMsgType::from_i32(6), MimcMsgType::Compound);
    /// assert_eq!(MimcMsgType::default(), MimcMsgType::P2pMessage);
    /// assert_eq!("COMPOUND".parse::<MimcMsgType>()?, MimcMsgType::Compound);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    MimcMsgType = "MIMC_MSG_TYPE" {
        /// [`MimcP2pMessage`].
        #[default]
        P2pMessage = 1 "P2P_MESSAGE",
        /// [`MimcP2tMessage`] (normal group).
        P2tMessage = 2 "P2T_MESSAGE",
        /// [`MimcSequenceAck`]: the client's reply to a COMPOUND.
        SequenceAck = 3 "SEQUENCE_ACK",
        /// [`MimcPacketAck`]: the server's ack of an uplink packet.
        PacketAck = 4 "PACKET_ACK",
        /// [`PullMessageRequest`].
        Pull = 5 "PULL",
        /// [`MimcPacketList`]: all message delivery.
        Compound = 6 "COMPOUND",
        /// RTS signalling (out of scope).
        RtsSignal = 7 "RTS_SIGNAL",
        /// [`UcPacket`] (unlimited groups).
        UcPacket = 8 "UC_PACKET",
        /// Server API only.
        P2pPushMessage = 9 "P2P_PUSH_MESSAGE",
        /// Server API only.
        P2tPushMessage = 10 "P2T_PUSH_MESSAGE",
        /// [`MimcP2pMessage`], not stored.
        OnlineMessage = 11 "ONLINE_MESSAGE",
        /// [`MimcOnlineMessageAck`].
        OnlineMessageAck = 12 "ONLINE_MESSAGE_ACK",
    }

    /// `mimc.MIMC_PUSH_STATUS` of a [`MimcPacketList`].
    ///
    /// ```
    /// use mimc_codec::protocol::MimcPushStatus;
    /// assert_eq!(MimcPushStatus::default(), MimcPushStatus::StatusNormal);
    /// ```
    MimcPushStatus = "MIMC_PUSH_STATUS" {
        /// Messages delivered; ack `maxSequence`.
        #[default]
        StatusNormal = 1 "STATUS_NORMAL",
        /// Pull notification: the backlog is too large, `minSequence`/`maxSequence` and no packets.
        StatusExceedCountLimit = 2 "STATUS_EXCEED_COUNT_LIMIT",
    }

    /// `mimc.UC_MSG_TYPE`: what a [`UcPacket`]'s payload holds.
    ///
    /// ```
    /// use mimc_codec::protocol::UcMsgType;
    /// assert_eq!(UcMsgType::from_i32(8), UcMsgType::Message);
    /// ```
    UcMsgType = "UC_MSG_TYPE" {
        /// [`UcPing`].
        #[default]
        Ping = 1 "PING",
        /// (Ignored by every SDK.)
        Pong = 2 "PONG",
        /// [`UcJoin`].
        Join = 3 "JOIN",
        /// [`UcJoinResp`].
        JoinResp = 4 "JOIN_RESP",
        /// [`UcQuit`].
        Quit = 5 "QUIT",
        /// [`UcQuitResp`].
        QuitResp = 6 "QUIT_RESP",
        /// [`UcSequenceAck`].
        SeqAck = 7 "SEQ_ACK",
        /// [`UcMessage`].
        Message = 8 "MESSAGE",
        /// [`UcMessageList`].
        MessageList = 9 "MESSAGE_LIST",
        /// [`UcDismiss`].
        Dismiss = 10 "DISMISS",
        /// [`UcQueryOnlineUsers`].
        QueryOnlineUsers = 11 "QUERY_ONLINE_USERS",
        /// [`UcQueryOnlineUsersResp`].
        QueryOnlineUsersResp = 12 "QUERY_ONLINE_USERS_RESP",
    }
}

pb_messages! {
    /// `ims.ClientHeader`: the header of every frame but the keep-alive (PROTOCOL.md §4).
    ///
    /// ```
    /// use mimc_codec::protocol::ClientHeader;
    /// let h = ClientHeader::new().with(|m| { m.cmd = Some("CONN"); m.server = Some("xiaomi.com"); });
    /// let mut buf = [0u8; 32];
    /// let bytes = h.encode(&mut buf)?;
    /// assert_eq!(bytes, b"\x1a\x0axiaomi.com\x2a\x04CONN");
    /// let back = ClientHeader::decode(bytes)?;
    /// assert_eq!(back.cmd(), "CONN");
    /// assert_eq!(back.chid(), 0); // absent: the default
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    ClientHeader = "ClientHeader" {
        /// Channel: 9 for MIMC, 5 for Xiaomi Push.
        1 opt chid "chid": i32 = 0;
        /// The user's uuid.
        2 opt uuid "uuid": i64 = 0;
        /// `"xiaomi.com"`.
        3 opt server "server": &'a str = "";
        /// The device resource.
        4 opt resource "resource": &'a str = "";
        /// `CONN`, `BIND`, `PING`, `UBND`, `SECMSG`, `KICK`, `SYNC`.
        5 opt cmd "cmd": &'a str = "";
        /// Sub-command (`U`, `UCA` with `SYNC`).
        6 opt subcmd "subcmd": &'a str = "";
        /// The frame id; also the suffix of a SECMSG payload key.
        7 opt id "id": &'a str = "";
        /// Direction.
        8 opt dir_flag "dirFlag": MsgDirFlag = MsgDirFlag::CsOneway;
        /// 0 none, 1 RC4, 2 AES (never used).
        9 opt cipher "cipher": i32 = 0;
        /// Error code.
        10 opt err_code "errCode": i32 = 0;
        /// Error text.
        11 opt err_str "errStr": &'a str = "";
    }

    /// `protocol.PushServiceConfigMsg`, nested in the CONN messages and the server's PING.
    ///
    /// ```
    /// use mimc_codec::protocol::PushServiceConfigMsg;
    /// assert_eq!(PushServiceConfigMsg::decode(b"\x08\x00")?.fetch_bucket, Some(false));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    PushServiceConfigMsg = "PushServiceConfigMsg" {
        /// Fetch bucket.
        1 opt fetch_bucket "fetchBucket": bool = false;
        /// Use bucket v2.
        2 opt use_bucket_v2 "useBucketV2": bool = false;
        /// Client version.
        3 opt client_version "clientVersion": i32 = 0;
        /// Cloud version.
        4 opt cloud_version "cloudVersion": i32 = 0;
        /// Dots.
        5 opt dots "dots": i32 = 0;
    }

    /// `ims.XMMsgConn`: the CONN payload (plaintext).
    ///
    /// ```
    /// use mimc_codec::protocol::XmMsgConn;
    /// let conn = XmMsgConn::new().with(|m| { m.version = Some(106); m.udid = Some(""); m.sdk = Some(33); });
    /// let mut buf = [0u8; 16];
    /// let bytes = conn.encode(&mut buf)?;
    /// assert_eq!(XmMsgConn::decode(bytes)?, conn);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    XmMsgConn = "XMMsgConn" {
        /// 106 in every SDK.
        1 opt version "version": u32 = 0;
        /// Device model.
        2 opt model "model": &'a str = "";
        /// OS.
        3 opt os "os": &'a str = "";
        /// Device id; half of it goes into the body key.
        4 opt udid "udid": &'a str = "";
        /// SDK version.
        5 opt sdk "sdk": i32 = 0;
        /// Connection point (`wifi`).
        6 opt connpt "connpt": &'a str = "";
        /// Front-end host.
        7 opt host "host": &'a str = "";
        /// Locale.
        8 opt locale "locale": &'a str = "";
        /// Push service configuration.
        9 opt psc "psc": PushServiceConfigMsg<'a> = PushServiceConfigMsg::new();
        /// Android version.
        10 opt andver "andver": i32 = 0;
        /// Unused by every SDK.
        11 opt public_key_n "publicKeyN": &'a [u8] = b"";
        /// Unused by every SDK.
        12 opt public_key_e "publicKeyE": &'a [u8] = b"";
    }

    /// `ims.XMMsgConnResp`: the server's CONN reply; its challenge makes the body key.
    ///
    /// ```
    /// use mimc_codec::protocol::XmMsgConnResp;
    /// assert_eq!(XmMsgConnResp::decode(b"\x0a\x0a1234567890")?.challenge(), "1234567890");
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    XmMsgConnResp = "XMMsgConnResp" {
        /// The challenge (10 decimal digits in practice).
        1 opt challenge "challenge": &'a str = "";
        /// Server host.
        2 opt host "host": &'a str = "";
        /// Push service configuration.
        3 opt psc "psc": PushServiceConfigMsg<'a> = PushServiceConfigMsg::new();
        /// Unused (empty in practice).
        4 opt session_key "sessionKey": &'a [u8] = b"";
    }

    /// `ims.XMMsgBind`: the BIND payload (login). The token and signature print as `<redacted>`.
    ///
    /// ```
    /// use mimc_codec::protocol::{SecretStr, XmMsgBind};
    /// let bind = XmMsgBind::new().with(|m| { m.token = Some(SecretStr::new("TOKEN")); });
    /// assert_eq!(format!("{bind:?}"), "XMMsgBind { token: <redacted> }");
    /// ```
    XmMsgBind = "XMMsgBind" {
        /// The token from the token service.
        1 opt token "token": SecretStr<'a> = SecretStr::new("");
        /// `"0"`.
        2 opt kick "kick": &'a str = "";
        /// `"XIAOMI-PASS"`.
        3 opt method "method": &'a str = "";
        /// Client attributes.
        4 opt client_attrs "clientAttrs": &'a str = "";
        /// Cloud attributes.
        5 opt cloud_attrs "cloudAttrs": &'a str = "";
        /// The BIND signature ([`bind_signature`](crate::protocol::bind_signature)).
        6 opt sig "sig": SecretStr<'a> = SecretStr::new("");
        /// Single sign-on (Java only).
        7 opt sso "sso": bool = false;
    }

    /// `ims.XMMsgBindResp`: the login result.
    ///
    /// ```
    /// use mimc_codec::protocol::XmMsgBindResp;
    /// assert!(XmMsgBindResp::decode(b"\x08\x01")?.result());
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    XmMsgBindResp = "XMMsgBindResp" {
        /// `true` on success.
        1 opt result "result": bool = false;
        /// `success`, `token-expired`, …
        2 opt error_type "errorType": &'a str = "";
        /// `success`, `invalid-token`, …
        3 opt error_reason "errorReason": &'a str = "";
        /// Human-readable text.
        4 opt error_desc "errorDesc": &'a str = "";
    }

    /// `ims.XMMsgPing`: the optional payload of a `PING` frame.
    ///
    /// ```
    /// use mimc_codec::protocol::XmMsgPing;
    /// assert_eq!(XmMsgPing::decode(b"")?, XmMsgPing::new());
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    XmMsgPing = "XMMsgPing" {
        /// Statistics.
        1 opt stats "stats": &'a [u8] = b"";
        /// Push service configuration.
        2 opt psc "psc": PushServiceConfigMsg<'a> = PushServiceConfigMsg::new();
    }

    /// `ims.XMMsgKick`: the payload of a server `KICK`.
    ///
    /// ```
    /// use mimc_codec::protocol::XmMsgKick;
    /// let kick = XmMsgKick::decode(b"\x12\x14single-resource-kick")?;
    /// assert_eq!(kick.reason(), "single-resource-kick");
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    XmMsgKick = "XMMsgKick" {
        /// Kick type (`type` on the wire).
        1 opt kick_type "type": &'a str = "";
        /// Reason (`single-resource-kick`, `invalid-token`, …).
        2 opt reason "reason": &'a str = "";
        /// Description.
        3 opt desc "desc": &'a str = "";
    }

    /// `ims.XMMsgU`: a `SYNC`/`U` log-upload request (Java only).
    ///
    /// ```
    /// use mimc_codec::protocol::XmMsgU;
    /// assert_eq!(XmMsgU::decode(b"\x30\x05")?.maxlen(), 5);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    XmMsgU = "XMMsgU" {
        /// Upload URL.
        1 opt url "url": &'a str = "";
        /// Upload token.
        2 opt token "token": SecretStr<'a> = SecretStr::new("");
        /// Start time.
        3 opt start "start": u64 = 0;
        /// End time.
        4 opt end "end": u64 = 0;
        /// Force.
        5 opt force "force": bool = false;
        /// Maximum length.
        6 opt maxlen "maxlen": i32 = 0;
    }

    /// `mimc.MIMCPacket`: the (decrypted) payload of every SECMSG frame.
    ///
    /// ```
    /// use mimc_codec::protocol::{MimcMsgType, MimcPacket};
    /// let p = MimcPacket::decode(b"\x0a\x05p2p-4\x20\x01")?;
    /// assert_eq!(p.packet_id(), "p2p-4");
    /// assert_eq!(p.msg_type(), MimcMsgType::P2pMessage);
    /// // Every message is also `TryFrom<&[u8]>`, its `decode`.
    /// let q: MimcPacket = b"\x0a\x05p2p-4\x20\x01".as_slice().try_into()?;
    /// assert_eq!(q, p);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    MimcPacket = "MIMCPacket" {
        /// Packet id (acks refer to it).
        1 opt packet_id "packetId": &'a str = "";
        /// The app package.
        2 opt package "package": &'a str = "";
        /// Server-assigned sequence.
        3 opt sequence "sequence": i64 = 0;
        /// What `payload` holds (`type` on the wire).
        4 opt msg_type "type": MimcMsgType = MimcMsgType::P2pMessage;
        /// The nested message, by `type`.
        5 opt payload "payload": &'a [u8] = b"";
        /// Milliseconds, server-assigned on delivery.
        6 opt timestamp "timestamp": i64 = 0;
        /// Conversation flag.
        7 opt conversation "conversation": bool = false;
        /// Conversation index.
        8 opt conv_index "convIndex": i64 = 0;
    }

    /// `mimc.MIMCPacketList`: a COMPOUND (message delivery or pull notification).
    ///
    /// ```
    /// use mimc_codec::protocol::{MimcPacket, MimcPacketList, Repeated};
    /// let packets = [MimcPacket::new().with(|m| { m.packet_id = Some("a"); })];
    /// let list = MimcPacketList::new().with(|m| { m.max_sequence = Some(43); m.packets = Repeated::from_slice(&packets); });
    /// let mut buf = [0u8; 16];
    /// let bytes = list.encode(&mut buf)?;
    /// let back = MimcPacketList::decode(bytes)?;
    /// assert_eq!(back.packets.iter().next().unwrap()?.packet_id(), "a");
    /// assert_eq!(back, list);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    MimcPacketList = "MIMCPacketList" {
        /// Recipient uuid.
        1 opt uuid "uuid": u64 = 0;
        /// Recipient resource.
        2 opt resource "resource": &'a str = "";
        /// Highest sequence in the list (the value to ack).
        3 opt max_sequence "maxSequence": i64 = 0;
        /// The delivered packets, read lazily.
        4 rep packets "packets": MimcPacket<'a>;
        /// Normal delivery or pull notification.
        5 opt status "status": MimcPushStatus = MimcPushStatus::StatusNormal;
        /// Lowest sequence (pull notifications; Java 2.0.8 and WebJS 1.0.3).
        6 opt min_sequence "minSequence": i64 = 0;
    }

    /// `mimc.MIMCPacketAck`: the server's ack of an uplink packet.
    ///
    /// ```
    /// use mimc_codec::protocol::MimcPacketAck;
    /// assert_eq!(MimcPacketAck::decode(b"\x0a\x01x\x40\x00")?.code, Some(0));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    MimcPacketAck = "MIMCPacketAck" {
        /// The acked `MIMCPacket.packetId`.
        1 opt packet_id "packetId": &'a str = "";
        /// Sender uuid.
        2 opt uuid "uuid": u64 = 0;
        /// Sender resource.
        3 opt resource "resource": &'a str = "";
        /// Assigned sequence.
        4 opt sequence "sequence": i64 = 0;
        /// Assigned timestamp (ms).
        5 opt timestamp "timestamp": i64 = 0;
        /// App package.
        6 opt package "package": &'a str = "";
        /// Error text.
        7 opt error_msg "errorMsg": &'a str = "";
        /// Result code.
        8 opt code "code": i32 = 0;
        /// Conversation index.
        9 opt conv_index "convIndex": i64 = 0;
    }

    /// `mimc.MIMCUser`: an account (`from` and `to` of a P2P message).
    ///
    /// ```
    /// use mimc_codec::protocol::MimcUser;
    /// assert_eq!(MimcUser::decode(b"\x12\x03bob")?.app_account(), "bob");
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    MimcUser = "MIMCUser" {
        /// App id.
        1 opt app_id "appId": u64 = 0;
        /// The app's account name.
        2 opt app_account "appAccount": &'a str = "";
        /// MIMC uuid.
        3 opt uuid "uuid": u64 = 0;
        /// Device resource.
        4 opt resource "resource": &'a str = "";
    }

    /// `mimc.MIMCGroup`: a normal group (`to` of a P2T message).
    ///
    /// ```
    /// use mimc_codec::protocol::MimcGroup;
    /// assert_eq!(MimcGroup::decode(b"\x10\x07")?.topic_id(), 7);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    MimcGroup = "MIMCGroup" {
        /// App id.
        1 opt app_id "appId": u64 = 0;
        /// Topic id.
        2 opt topic_id "topicId": u64 = 0;
    }

    /// `mimc.MIMCP2PMessage`: a one-to-one message (also ONLINE_MESSAGE).
    ///
    /// ```
    /// use mimc_codec::protocol::MimcP2pMessage;
    /// let m = MimcP2pMessage::decode(b"\x1a\x05hello\x2a\x04TEXT")?;
    /// assert_eq!((m.payload(), m.biz_type()), (&b"hello"[..], "TEXT"));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    MimcP2pMessage = "MIMCP2PMessage" {
        /// Sender.
        1 opt from "from": MimcUser<'a> = MimcUser::new();
        /// Recipient.
        2 opt to "to": MimcUser<'a> = MimcUser::new();
        /// The app's bytes.
        3 opt payload "payload": &'a [u8] = b"";
        /// Stored offline.
        4 opt is_store "isStore": bool = false;
        /// The app's kind of message.
        5 opt biz_type "bizType": &'a str = "";
    }

    /// `mimc.MIMCP2TMessage`: a normal-group message.
    ///
    /// ```
    /// use mimc_codec::protocol::MimcP2tMessage;
    /// assert_eq!(MimcP2tMessage::decode(b"\x12\x02\x10\x07")?.to().topic_id(), 7);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    MimcP2tMessage = "MIMCP2TMessage" {
        /// Sender.
        1 opt from "from": MimcUser<'a> = MimcUser::new();
        /// The group.
        2 opt to "to": MimcGroup<'a> = MimcGroup::new();
        /// The app's bytes.
        3 opt payload "payload": &'a [u8] = b"";
        /// Stored offline.
        4 opt is_store "isStore": bool = false;
        /// The app's kind of message.
        5 opt biz_type "bizType": &'a str = "";
    }

    /// `mimc.MIMCSequenceAck`: the client's ack of a COMPOUND.
    ///
    /// ```
    /// use mimc_codec::protocol::MimcSequenceAck;
    /// assert_eq!(MimcSequenceAck::decode(b"\x18\x2b")?.sequence(), 43);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    MimcSequenceAck = "MIMCSequenceAck" {
        /// uuid.
        1 opt uuid "uuid": u64 = 0;
        /// Resource.
        2 opt resource "resource": &'a str = "";
        /// The list's `maxSequence`.
        3 opt sequence "sequence": i64 = 0;
        /// App id.
        4 opt app_id "appId": u64 = 0;
    }

    /// `mimc.PullMessageRequest` (PULL).
    ///
    /// ```
    /// use mimc_codec::protocol::PullMessageRequest;
    /// let mut buf = [0u8; 8];
    /// // Required fields are written even when unset.
    /// assert_eq!(PullMessageRequest::new().encode(&mut buf)?.len(), 4);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    PullMessageRequest = "PullMessageRequest" {
        /// uuid (required).
        1 req uuid "uuid": u64 = 0;
        /// Resource (required).
        2 req resource "resource": &'a str = "";
        /// App id.
        3 opt app_id "appId": u64 = 0;
    }

    /// `mimc.MIMCOnlineMessageAck`: the receiver's ack of an ONLINE_MESSAGE.
    ///
    /// ```
    /// use mimc_codec::protocol::MimcOnlineMessageAck;
    /// assert_eq!(MimcOnlineMessageAck::decode(b"\x0a\x01x\x20\x01")?.code(), 1);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    MimcOnlineMessageAck = "MIMCOnlineMessageAck" {
        /// The acked packet id (required).
        1 req packet_id "packetId": &'a str = "";
        /// Sender uuid.
        2 opt uuid "uuid": u64 = 0;
        /// Sender resource.
        3 opt resource "resource": &'a str = "";
        /// 1 = received (required).
        4 req code "code": i32 = 0;
        /// `RECEIVED`.
        5 opt error_msg "errorMsg": &'a str = "";
    }

    /// `mimc.UCGroup`: an unlimited group.
    ///
    /// ```
    /// use mimc_codec::protocol::UcGroup;
    /// assert_eq!(UcGroup::decode(b"\x08\x01\x10\x02")?.app_id(), 1);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    UcGroup = "UCGroup" {
        /// App id.
        1 opt app_id "appId": u64 = 0;
        /// Topic id.
        2 opt topic_id "topicId": u64 = 0;
    }

    /// `mimc.UCPacket`: the envelope of every unlimited-group message.
    ///
    /// ```
    /// use mimc_codec::protocol::{UcMsgType, UcPacket};
    /// assert_eq!(UcPacket::decode(b"\x10\x08")?.msg_type(), UcMsgType::Message);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    UcPacket = "UCPacket" {
        /// Sender (required).
        1 req user "user": MimcUser<'a> = MimcUser::new();
        /// What `payload` holds (required; `type` on the wire).
        2 req msg_type "type": UcMsgType = UcMsgType::Ping;
        /// The nested message (required).
        3 req payload "payload": &'a [u8] = b"";
        /// Packet id (required).
        4 req packet_id "packetId": &'a str = "";
    }

    /// `mimc.UCPing`: every joined group, sent every 10 s while any is joined.
    ///
    /// ```
    /// use mimc_codec::protocol::UcPing;
    /// assert_eq!(UcPing::decode(b"\x0a\x02\x10\x07")?.group.len(), 1);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    UcPing = "UCPing" {
        /// The joined groups.
        1 rep group "group": UcGroup<'a>;
    }

    /// `mimc.UCJoin`.
    ///
    /// ```
    /// use mimc_codec::protocol::UcJoin;
    /// assert_eq!(UcJoin::decode(b"\x0a\x02\x10\x07")?.group().topic_id(), 7);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    UcJoin = "UCJoin" {
        /// The group (required).
        1 req group "group": UcGroup<'a> = UcGroup::new();
    }

    /// `mimc.UCJoinResp`.
    ///
    /// ```
    /// use mimc_codec::protocol::UcJoinResp;
    /// assert_eq!(UcJoinResp::decode(b"\x10\x00")?.code, Some(0));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    UcJoinResp = "UCJoinResp" {
        /// The group (required).
        1 req group "group": UcGroup<'a> = UcGroup::new();
        /// 0 = joined (required).
        2 req code "code": i32 = 0;
        /// Text.
        3 opt message "message": &'a str = "";
    }

    /// `mimc.UCQuit`.
    ///
    /// ```
    /// use mimc_codec::protocol::UcQuit;
    /// assert!(UcQuit::decode(b"")?.group.is_none());
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    UcQuit = "UCQuit" {
        /// The group (required).
        1 req group "group": UcGroup<'a> = UcGroup::new();
    }

    /// `mimc.UCQuitResp`.
    ///
    /// ```
    /// use mimc_codec::protocol::UcQuitResp;
    /// assert_eq!(UcQuitResp::decode(b"\x1a\x02ok")?.message(), "ok");
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    UcQuitResp = "UCQuitResp" {
        /// The group (required).
        1 req group "group": UcGroup<'a> = UcGroup::new();
        /// 0 = quit (required).
        2 req code "code": i32 = 0;
        /// Text.
        3 opt message "message": &'a str = "";
    }

    /// `mimc.UCMessage`: an unlimited-group message.
    ///
    /// ```
    /// use mimc_codec::protocol::UcMessage;
    /// assert_eq!(UcMessage::decode(b"\x12\x02hi")?.payload(), b"hi");
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    UcMessage = "UCMessage" {
        /// The group (required).
        1 req group "group": UcGroup<'a> = UcGroup::new();
        /// The app's bytes (required).
        2 req payload "payload": &'a [u8] = b"";
        /// Server sequence.
        3 opt sequence "sequence": i64 = 0;
        /// Stored.
        4 opt is_store "isStore": bool = false;
        /// Sender.
        5 opt user "user": MimcUser<'a> = MimcUser::new();
        /// Server timestamp (ms).
        6 opt timestamp "timestamp": i64 = 0;
        /// Packet id.
        7 opt packet_id "packetId": &'a str = "";
        /// The app's kind of message.
        8 opt biz_type "bizType": &'a str = "";
    }

    /// `mimc.UCMessageList`: unlimited-group delivery.
    ///
    /// ```
    /// use mimc_codec::protocol::UcMessageList;
    /// assert_eq!(UcMessageList::decode(b"\x12\x00\x12\x00")?.message.len(), 2);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    UcMessageList = "UCMessageList" {
        /// The group (required).
        1 req group "group": UcGroup<'a> = UcGroup::new();
        /// The messages, read lazily.
        2 rep message "message": UcMessage<'a>;
        /// Highest sequence (the value to ack).
        3 opt max_sequence "maxSequence": i64 = 0;
    }

    /// `mimc.UCSequenceAck`.
    ///
    /// ```
    /// use mimc_codec::protocol::UcSequenceAck;
    /// assert_eq!(UcSequenceAck::decode(b"\x10\x05")?.sequence(), 5);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    UcSequenceAck = "UCSequenceAck" {
        /// The group (required).
        1 req group "group": UcGroup<'a> = UcGroup::new();
        /// The list's `maxSequence` (required).
        2 req sequence "sequence": i64 = 0;
    }

    /// `mimc.UCDismiss`: the group was dismissed.
    ///
    /// ```
    /// use mimc_codec::protocol::UcDismiss;
    /// assert_eq!(UcDismiss::decode(b"\x0a\x02\x10\x07")?.group().topic_id(), 7);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    UcDismiss = "UCDismiss" {
        /// The group (required).
        1 req group "group": UcGroup<'a> = UcGroup::new();
    }

    /// `mimc.UCQueryOnlineUsers`.
    ///
    /// ```
    /// use mimc_codec::protocol::UcQueryOnlineUsers;
    /// assert!(UcQueryOnlineUsers::decode(b"\x0a\x00")?.group.is_some());
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    UcQueryOnlineUsers = "UCQueryOnlineUsers" {
        /// The group (required).
        1 req group "group": UcGroup<'a> = UcGroup::new();
    }

    /// `mimc.UCQueryOnlineUsersResp`.
    ///
    /// ```
    /// use mimc_codec::protocol::UcQueryOnlineUsersResp;
    /// assert_eq!(UcQueryOnlineUsersResp::decode(b"\x10\x03")?.user_count(), 3);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    UcQueryOnlineUsersResp = "UCQueryOnlineUsersResp" {
        /// The group (required).
        1 req group "group": UcGroup<'a> = UcGroup::new();
        /// Online users (required).
        2 req user_count "userCount": i64 = 0;
    }
}
