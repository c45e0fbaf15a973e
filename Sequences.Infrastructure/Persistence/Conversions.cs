using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Sequences.Core.Common;

namespace Sequences.Infrastructure.Persistence;

/// <summary>SQLite hands back DateTime without a kind; every stored time is UTC.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

public sealed class NullableUtcDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
    v => v == null ? v : v.Value.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.Value.ToUniversalTime(), DateTimeKind.Utc),
    v => v == null ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));

/// <summary>Enums are stored as the same lowercase snake_case words the API uses.</summary>
public sealed class SnakeEnumConverter<TEnum>() : ValueConverter<TEnum, string>(
    v => SnakeEnumConverter.ToName(v),
    v => SnakeEnumConverter.Parse<TEnum>(v)) where TEnum : struct, Enum;

public static class SnakeEnumConverter
{
    public static string ToName<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static TEnum Parse<TEnum>(string value) where TEnum : struct, Enum =>
        Enum.Parse<TEnum>(value.Replace("_", ""), ignoreCase: true);

    public static void Register(ModelConfigurationBuilder builder, params Type[] enumTypes)
    {
        foreach (var type in enumTypes)
        {
            var converter = typeof(SnakeEnumConverter<>).MakeGenericType(type);
            builder.Properties(type).HaveConversion(converter).HaveMaxLength(32);
            builder.Properties(typeof(Nullable<>).MakeGenericType(type)).HaveConversion(converter).HaveMaxLength(32);
        }
    }
}

/// <summary>JSON columns (settings, condition_value, custom, ...): text on SQLite, jsonb on PostgreSQL.</summary>
public static class JsonColumns
{
    private const string Annotation = "Sequences:Json";

    public static PropertyBuilder<T> HasJsonConversion<T>(this PropertyBuilder<T> property)
    {
        var converter = new ValueConverter<T, string>(
            v => JsonSerializer.Serialize(v, JsonDefaults.Options),
            v => JsonSerializer.Deserialize<T>(v, JsonDefaults.Options)!);
        var comparer = new ValueComparer<T>(
            (a, b) => JsonSerializer.Serialize(a, JsonDefaults.Options) == JsonSerializer.Serialize(b, JsonDefaults.Options),
            v => JsonSerializer.Serialize(v, JsonDefaults.Options).GetHashCode(),
            v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, JsonDefaults.Options), JsonDefaults.Options)!);
        property.HasConversion(converter, comparer).HasAnnotation(Annotation, true);
        return property;
    }

    public static void UseJsonb(ModelBuilder builder)
    {
        foreach (var entity in builder.Model.GetEntityTypes())
        foreach (var property in entity.GetProperties())
            if (property.FindAnnotation(Annotation) is not null)
                property.SetColumnType("jsonb");
    }
}
