using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Sequences.Web.Api;

/// <summary>A query parameter an endpoint reads from the request itself (so that it can answer a problem naming the
/// parameter), which the OpenAPI generator cannot see.</summary>
public sealed record QueryParameterDoc(string Name, string Description, JsonSchemaType Type = JsonSchemaType.String, string? Format = null);

/// <summary>A body an endpoint reads itself (the CSV import), by content type.</summary>
public sealed record RequestBodyDoc(string Description, params string[] ContentTypes);

/// <summary>Puts what endpoints read by hand into the OpenAPI document: every list's <c>page</c>, <c>page_size</c>
/// and <c>q</c>, and the parameters and bodies named with <see cref="Query"/> and <see cref="Body"/>.</summary>
public static class OpenApiQueryDocs
{
    private static readonly QueryParameterDoc[] Paging =
    [
        new("page", "1-based page number (default 1).", JsonSchemaType.Integer),
        new("page_size", "Items per page, 1 to 200 (default 50).", JsonSchemaType.Integer),
        new("q", "Search text, at most 200 characters."),
    ];

    public static TBuilder Query<TBuilder>(this TBuilder builder, params QueryParameterDoc[] parameters) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(parameters.Cast<object>().ToArray());

    public static TBuilder Body<TBuilder>(this TBuilder builder, RequestBodyDoc body) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(body);

    public static OpenApiOptions AddQueryDocs(this OpenApiOptions options) =>
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var isList = context.Description.SupportedResponseTypes.Any(r => r.Type is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(ListResponse<>));
            var parameters = (isList ? Paging : []).Concat(metadata.OfType<QueryParameterDoc>()).ToList();
            if (parameters.Count > 0)
            {
                operation.Parameters ??= [];
                foreach (var p in parameters.Where(p => operation.Parameters.All(existing => existing.Name != p.Name)))
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = p.Name, In = ParameterLocation.Query, Description = p.Description,
                        Schema = new OpenApiSchema { Type = p.Type, Format = p.Format },
                    });
            }
            if (metadata.OfType<RequestBodyDoc>().FirstOrDefault() is { } body)
                operation.RequestBody = new OpenApiRequestBody
                {
                    Description = body.Description, Required = true,
                    Content = body.ContentTypes.ToDictionary(type => type, _ => new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } }),
                };
            return Task.CompletedTask;
        });
}
