using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Settings;

/// <summary>Data-protection keys (auth cookies, antiforgery) in the settings table: every host reads the same ring.</summary>
public sealed class DatabaseXmlRepository(IServiceScopeFactory scopes) : IXmlRepository
{
    private const string Prefix = "dataprotection:";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        using var db = scope.ServiceProvider.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContext();
        return db.AppSettings.AsNoTracking()
            .Where(s => s.Key.StartsWith(Prefix))
            .Select(s => s.Value)
            .AsEnumerable()
            .Select(XElement.Parse)
            .ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = scopes.CreateScope();
        using var db = scope.ServiceProvider.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContext();
        db.AppSettings.Add(new AppSetting
        {
            Key = Prefix + friendlyName,
            Value = element.ToString(SaveOptions.DisableFormatting),
            UpdatedAt = DateTime.UtcNow,
        });
        db.SaveChanges();
    }
}
