using System.Text.Json;
using System.Text.Json.Serialization;
using Sequences.Core.Common;

namespace Sequences.Web.Api;

/// <summary>Reads every JSON string of a request without NUL characters (<see cref="NulText"/>).</summary>
public sealed class NulFreeStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => NulText.Strip(reader.GetString());

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        NulText.Strip(reader.GetString())!;

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
}

public static class NulFreeQueries
{
    /// <summary>Drops encoded NUL characters from the query string (<see cref="NulText"/>), before anything reads it.</summary>
    public static IApplicationBuilder UseNulFreeQueries(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Request.QueryString.Value is { } query && query.Contains("%00", StringComparison.Ordinal))
                context.Request.QueryString = new QueryString(query.Replace("%00", "", StringComparison.Ordinal));
            return next(context);
        });
}
