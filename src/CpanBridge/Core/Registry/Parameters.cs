using System.Globalization;
using System.Text.Json;
using CpanBridge.Core.Protocol;

namespace CpanBridge.Core.Registry;

/// <summary>
/// Typed access to a request's parameters. Perl turns numbers into strings at the drop of a hat,
/// so integers, numbers and booleans are also accepted in the string forms Perl produces.
/// </summary>
public readonly struct Parameters(FunctionSpec function, JsonElement values)
{
    public JsonElement Raw => values;

    public bool Has(string name) =>
        values.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    public JsonElement Get(string name) =>
        values.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw Missing(name);

    public string GetString(string name) => AsString(name, Get(name));

    public string? GetStringOrNull(string name) => Has(name) ? GetString(name) : null;

    public long GetInt64(string name) => AsInt64(name, Get(name));

    public long GetInt64(string name, long fallback) => Has(name) ? GetInt64(name) : fallback;

    public double GetDouble(string name) => AsDouble(name, Get(name));

    public bool GetBoolean(string name, bool fallback = false) => Has(name) ? AsBoolean(name, Get(name)) : fallback;

    /// <summary>Checks one value against its declared type; used centrally before the function runs.</summary>
    internal void Check(ParamSpec spec, JsonElement value)
    {
        switch (spec.Type)
        {
            case ParamType.String:
            case ParamType.Handle:
                AsString(spec.Name, value);
                break;
            case ParamType.Integer:
                AsInt64(spec.Name, value);
                break;
            case ParamType.Number:
                AsDouble(spec.Name, value);
                break;
            case ParamType.Boolean:
                AsBoolean(spec.Name, value);
                break;
            case ParamType.Object when value.ValueKind != JsonValueKind.Object:
                throw WrongType(spec.Name, "an object", value);
            case ParamType.Array when value.ValueKind != JsonValueKind.Array:
                throw WrongType(spec.Name, "an array", value);
        }
    }

    private string AsString(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        _ => throw WrongType(name, "a string", value),
    };

    private long AsInt64(string name, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)) return number;
        if (value.ValueKind == JsonValueKind.String &&
            long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
            return number;
        throw WrongType(name, "an integer", value);
    }

    private double AsDouble(string name, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number) return value.GetDouble();
        if (value.ValueKind == JsonValueKind.String &&
            double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return number;
        throw WrongType(name, "a number", value);
    }

    private bool AsBoolean(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when value.TryGetInt64(out var n) && n is 0 or 1 => n == 1,
        JsonValueKind.String when value.GetString() is "" or "0" => false,
        JsonValueKind.String when value.GetString() == "1" => true,
        _ => throw WrongType(name, "a boolean (true/false, 1/0)", value),
    };

    private BridgeException Missing(string name) =>
        BridgeException.Usage($"{function.FullName}: missing required parameter '{name}'");

    private BridgeException WrongType(string name, string expected, JsonElement value) =>
        BridgeException.Usage($"{function.FullName}: parameter '{name}' must be {expected}, got {FrameParser.Kind(value)}");
}
