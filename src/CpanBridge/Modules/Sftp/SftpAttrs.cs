using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CpanBridge.Core;

namespace CpanBridge.Modules.Sftp;

/// <summary>
/// File attributes as SFTP version 3 carries them (draft section 5): each group is present only
/// when its flag is set, and the JSON form has exactly the members the server sent.
/// </summary>
internal sealed class SftpAttrs
{
    private const uint FlagSize = 0x1;
    private const uint FlagUidGid = 0x2;
    private const uint FlagPermissions = 0x4;
    private const uint FlagAcModTime = 0x8;
    private const uint FlagExtended = 0x80000000;

    public ulong? Size { get; set; }
    public uint? Uid { get; set; }
    public uint? Gid { get; set; }
    public uint? Perm { get; set; }
    public uint? Atime { get; set; }
    public uint? Mtime { get; set; }
    public List<(string Type, string Data)>? Extended { get; set; }

    /// <summary>No attributes (flags 0); a new one each time, as attrs are mutable.</summary>
    public static SftpAttrs Empty => new();

    public static SftpAttrs Read(SftpPacket packet)
    {
        var flags = packet.ReadUInt32();
        var attrs = new SftpAttrs();
        if ((flags & FlagSize) != 0) attrs.Size = packet.ReadUInt64();
        if ((flags & FlagUidGid) != 0)
        {
            attrs.Uid = packet.ReadUInt32();
            attrs.Gid = packet.ReadUInt32();
        }
        if ((flags & FlagPermissions) != 0) attrs.Perm = packet.ReadUInt32();
        if ((flags & FlagAcModTime) != 0)
        {
            attrs.Atime = packet.ReadUInt32();
            attrs.Mtime = packet.ReadUInt32();
        }
        if ((flags & FlagExtended) != 0)
        {
            var count = packet.ReadUInt32();
            attrs.Extended = [];
            for (var i = 0u; i < count; i++)
                attrs.Extended.Add((packet.ReadString(), Encoding.Latin1.GetString(packet.ReadBytes())));
        }
        return attrs;
    }

    public void Write(SftpPacketWriter packet)
    {
        var flags = (Size is null ? 0 : FlagSize) | (Uid is null ? 0 : FlagUidGid) | (Perm is null ? 0 : FlagPermissions)
            | (Atime is null ? 0 : FlagAcModTime) | (Extended is null ? 0 : FlagExtended);
        packet.WriteUInt32(flags);
        if (Size is { } size) packet.WriteUInt64(size);
        if (Uid is { } uid)
        {
            packet.WriteUInt32(uid);
            packet.WriteUInt32(Gid!.Value);
        }
        if (Perm is { } perm) packet.WriteUInt32(perm);
        if (Atime is { } atime)
        {
            packet.WriteUInt32(atime);
            packet.WriteUInt32(Mtime!.Value);
        }
        if (Extended is { } extended)
        {
            packet.WriteUInt32((uint)extended.Count);
            foreach (var (type, data) in extended)
            {
                packet.WriteString(type);
                packet.WriteString(Encoding.Latin1.GetBytes(data));
            }
        }
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject();
        if (Size is { } size) json["size"] = size;
        if (Uid is { } uid) json["uid"] = uid;
        if (Gid is { } gid) json["gid"] = gid;
        if (Perm is { } perm) json["perm"] = perm;
        if (Atime is { } atime) json["atime"] = atime;
        if (Mtime is { } mtime) json["mtime"] = mtime;
        if (Extended is { } extended)
        {
            var members = new JsonObject();
            foreach (var (type, data) in extended) members[type] = data;
            json["extended"] = members;
        }
        return json;
    }

    /// <summary>
    /// Attributes a script asks for (setstat, mkdir): the same members. uid/gid and atime/mtime
    /// travel in pairs in SFTP version 3, so one of a pair without the other is refused.
    /// </summary>
    public static SftpAttrs FromJson(string function, JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object) throw BridgeException.Usage($"{function}: parameter 'attrs' must be an object");
        var attrs = new SftpAttrs();
        foreach (var member in json.EnumerateObject())
        {
            switch (member.Name)
            {
                case "size": attrs.Size = (ulong)Number(function, member, ulong.MaxValue); break;
                case "uid": attrs.Uid = (uint)Number(function, member, uint.MaxValue); break;
                case "gid": attrs.Gid = (uint)Number(function, member, uint.MaxValue); break;
                case "perm": attrs.Perm = (uint)Number(function, member, uint.MaxValue); break;
                case "atime": attrs.Atime = (uint)Number(function, member, uint.MaxValue); break;
                case "mtime": attrs.Mtime = (uint)Number(function, member, uint.MaxValue); break;
                case "extended":
                    if (member.Value.ValueKind != JsonValueKind.Object)
                        throw BridgeException.Usage($"{function}: attrs.extended must be an object of strings");
                    attrs.Extended = [];
                    foreach (var e in member.Value.EnumerateObject())
                        attrs.Extended.Add((e.Name, e.Value.ValueKind == JsonValueKind.String ? e.Value.GetString()!
                            : throw BridgeException.Usage($"{function}: attrs.extended.{e.Name} must be a string")));
                    break;
                default:
                    throw BridgeException.Usage($"{function}: unknown member '{member.Name}' in attrs (size, uid, gid, perm, atime, mtime, extended)");
            }
        }
        if ((attrs.Uid is null) != (attrs.Gid is null))
            throw BridgeException.Usage($"{function}: attrs uid and gid go together (SFTP sets both at once)");
        if ((attrs.Atime is null) != (attrs.Mtime is null))
            throw BridgeException.Usage($"{function}: attrs atime and mtime go together (SFTP sets both at once)");
        return attrs;
    }

    private static ulong Number(string function, JsonProperty member, ulong max)
    {
        var value = member.Value;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var n) && n <= max) return n;
        if (value.ValueKind == JsonValueKind.String && ulong.TryParse(value.GetString(), NumberStyles.None,
                CultureInfo.InvariantCulture, out n) && n <= max) return n;
        throw BridgeException.Usage($"{function}: attrs.{member.Name} must be a non-negative integer up to {max}, got {value.GetRawText()}");
    }
}
