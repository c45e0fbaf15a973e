namespace Sequences.Infrastructure.Settings;

/// <summary>Deployment-wide values every host must share (signing key, data-protection keys).</summary>
public sealed class AppSetting
{
    public required string Key { get; set; }
    public required string Value { get; set; }
    public DateTime UpdatedAt { get; set; }
}
