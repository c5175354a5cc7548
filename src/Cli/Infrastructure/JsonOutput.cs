using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Spectre.Console;

namespace WPAI.Cli.Infrastructure;

/// <summary>
/// Writes API views as indented JSON (camelCase members, enums as names, durations as <c>d.hh:mm:ss</c>), straight to
/// the console's writer so nothing is wrapped. Derived read-only members (e.g. <c>JobSpec.Request</c>) are left out.
/// </summary>
public static class JsonOutput
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static void Write<T>(IAnsiConsole console, T value)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.Profile.Out.Writer.WriteLine(Serialize(value));
        console.Profile.Out.Writer.Flush();
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { DropDerivedMembers } },
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new DefaultImmutableArrayConverterFactory());
        options.MakeReadOnly();
        return options;
    }

    private static void DropDerivedMembers(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = info.Properties.Count - 1; i >= 0; i--)
        {
            if (info.Properties[i].Set is null)
            {
                info.Properties.RemoveAt(i);
            }
        }
    }

    /// <summary>Writes a default (uninitialized) <see cref="ImmutableArray{T}"/> as an empty array instead of failing.</summary>
    private sealed class DefaultImmutableArrayConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(ImmutableArray<>);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

        private sealed class Converter<T> : JsonConverter<ImmutableArray<T>>
        {
            public override ImmutableArray<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
                [.. JsonSerializer.Deserialize<List<T>>(ref reader, options) ?? []];

            public override void Write(Utf8JsonWriter writer, ImmutableArray<T> value, JsonSerializerOptions options)
            {
                writer.WriteStartArray();
                if (!value.IsDefault)
                {
                    foreach (var item in value)
                    {
                        JsonSerializer.Serialize(writer, item, options);
                    }
                }

                writer.WriteEndArray();
            }
        }
    }
}
