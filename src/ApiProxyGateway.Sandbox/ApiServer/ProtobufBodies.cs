using System.Text;
using System.Text.Json.Nodes;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>
/// Decodes the few protobuf request bodies kubectl sends through its typed clients (<c>auth can-i</c>,
/// <c>auth whoami</c>, <c>create configmap</c>): the <c>k8s\0</c> envelope (runtime.Unknown) and those messages,
/// by the field numbers of k8s.io/api's generated.proto. Anything else is answered with 415.
/// </summary>
internal static class ProtobufBodies
{
    public const string ContentType = "application/vnd.kubernetes.protobuf";
    private static readonly byte[] Magic = [0x6b, 0x38, 0x73, 0x00];

    public static JsonObject? Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic))
        {
            return null;
        }

        string apiVersion = "", kind = "";
        ReadOnlySpan<byte> raw = default;
        var envelope = new ProtobufReader(body[Magic.Length..]);
        while (!envelope.End)
        {
            var (field, wire) = envelope.ReadTag();
            if (field == 1 && wire == 2)
            {
                var typeMeta = Message(envelope.ReadBytes());
                apiVersion = typeMeta.Str(1);
                kind = typeMeta.Str(2);
            }
            else if (field == 2 && wire == 2)
            {
                raw = envelope.ReadBytes();
            }
            else
            {
                envelope.Skip(wire);
            }
        }

        var message = Message(raw);
        JsonObject? result = kind switch
        {
            "SelfSubjectAccessReview" or "SubjectAccessReview" or "LocalSubjectAccessReview" => new JsonObject { ["spec"] = AccessReviewSpec(message.Sub(2)) },
            "SelfSubjectRulesReview" => new JsonObject { ["spec"] = new JsonObject { ["namespace"] = message.Sub(2).Str(1) } },
            "SelfSubjectReview" => [],
            "ConfigMap" => ConfigMap(message),
            _ => null,
        };
        if (result is not null)
        {
            result["apiVersion"] = apiVersion;
            result["kind"] = kind;
            result["metadata"] ??= ObjectMeta(message.Sub(1));
        }

        return result;
    }

    private static JsonObject AccessReviewSpec(Fields spec)
    {
        var json = new JsonObject();
        if (spec.Has(1))
        {
            var a = spec.Sub(1);
            json["resourceAttributes"] = new JsonObject
            {
                ["namespace"] = a.Str(1), ["verb"] = a.Str(2), ["group"] = a.Str(3), ["version"] = a.Str(4),
                ["resource"] = a.Str(5), ["subresource"] = a.Str(6), ["name"] = a.Str(7),
            };
        }

        if (spec.Has(2))
        {
            var n = spec.Sub(2);
            json["nonResourceAttributes"] = new JsonObject { ["path"] = n.Str(1), ["verb"] = n.Str(2) };
        }

        if (spec.Has(3))
        {
            json["user"] = spec.Str(3);
        }

        json["groups"] = new JsonArray([.. spec.All(4).Select(g => (JsonNode?)Encoding.UTF8.GetString(g))]);
        json["extra"] = new JsonObject(spec.All(5).Select(entry =>
        {
            var e = Message(entry);
            return KeyValuePair.Create(e.Str(1), (JsonNode?)new JsonArray([.. e.Sub(2).All(1).Select(v => (JsonNode?)Encoding.UTF8.GetString(v))]));
        }));
        if (spec.Has(6))
        {
            json["uid"] = spec.Str(6);
        }

        return json;
    }

    private static JsonObject ConfigMap(Fields message)
    {
        var json = new JsonObject { ["metadata"] = ObjectMeta(message.Sub(1)) };
        if (message.Has(2))
        {
            json["data"] = StringMap(message.All(2));
        }

        if (message.Has(3))
        {
            json["binaryData"] = new JsonObject(message.All(3).Select(entry =>
            {
                var e = Message(entry);
                return KeyValuePair.Create(e.Str(1), (JsonNode?)Convert.ToBase64String(e.Bytes(2)));
            }));
        }

        return json;
    }

    private static JsonObject ObjectMeta(Fields meta)
    {
        var json = new JsonObject();
        foreach (var (field, name) in new[] { (1, "name"), (2, "generateName"), (3, "namespace"), (6, "resourceVersion") })
        {
            if (meta.Has(field))
            {
                json[name] = meta.Str(field);
            }
        }

        if (meta.Has(11))
        {
            json["labels"] = StringMap(meta.All(11));
        }

        if (meta.Has(12))
        {
            json["annotations"] = StringMap(meta.All(12));
        }

        return json;
    }

    private static JsonObject StringMap(IEnumerable<byte[]> entries) => new(entries.Select(entry =>
    {
        var e = Message(entry);
        return KeyValuePair.Create(e.Str(1), (JsonNode?)e.Str(2));
    }));

    private static Fields Message(ReadOnlySpan<byte> bytes)
    {
        var fields = new List<(int, byte[])>();
        var reader = new ProtobufReader(bytes);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (wire == 2)
            {
                fields.Add((field, reader.ReadBytes().ToArray()));
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return new Fields(fields);
    }

    /// <summary>The length-delimited fields of one message (strings, bytes, sub-messages, map entries).</summary>
    private sealed class Fields(List<(int Field, byte[] Value)> fields)
    {
        public bool Has(int field) => fields.Exists(f => f.Field == field);

        public IEnumerable<byte[]> All(int field) => fields.Where(f => f.Field == field).Select(f => f.Value);

        public byte[] Bytes(int field) => All(field).LastOrDefault() ?? [];

        public string Str(int field) => Encoding.UTF8.GetString(Bytes(field));

        public Fields Sub(int field) => Message(Bytes(field));
    }
}
