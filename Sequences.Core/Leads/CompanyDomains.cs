namespace Sequences.Core.Leads;

/// <summary>Which email domain stands for a company: any domain but the free-mail providers', where two addresses
/// share nothing but the provider.</summary>
public static class CompanyDomains
{
    private static readonly HashSet<string> FreeMail = new(StringComparer.OrdinalIgnoreCase)
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "passport.com", "yahoo.com", "ymail.com",
        "rocketmail.com", "icloud.com", "me.com", "mac.com", "aol.com", "aim.com", "proton.me", "pm.me", "protonmail.com", "protonmail.ch",
        "gmx.com", "gmx.net", "gmx.de", "web.de", "t-online.de", "freenet.de", "mail.com", "email.com", "zoho.com", "zohomail.com",
        "fastmail.com", "fastmail.fm", "hey.com", "tutanota.com", "tuta.io", "hushmail.com", "mail.ru", "yandex.ru", "yandex.com",
        "inbox.ru", "list.ru", "bk.ru", "qq.com", "163.com", "126.com", "sina.com", "naver.com", "daum.net", "rediffmail.com",
        "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr", "libero.it", "virgilio.it", "tiscali.it", "alice.it",
        "btinternet.com", "sky.com", "ntlworld.com", "virginmedia.com", "talktalk.net", "comcast.net", "verizon.net", "att.net",
        "sbcglobal.net", "bellsouth.net", "cox.net", "charter.net", "earthlink.net", "juno.com", "shaw.ca", "rogers.com",
        "sympatico.ca", "bigpond.com", "optusnet.com.au", "xtra.co.nz", "seznam.cz", "wp.pl", "o2.pl", "interia.pl", "onet.pl",
        "bluewin.ch", "telenet.be", "skynet.be", "ziggo.nl", "kpnmail.nl", "uol.com.br", "bol.com.br", "terra.com.br",
    };

    /// <summary>Providers that run the same free service under many country domains (yahoo.co.uk, hotmail.fr, gmx.at).</summary>
    private static readonly HashSet<string> FreeMailBrands = new(StringComparer.OrdinalIgnoreCase)
    {
        "gmail", "googlemail", "yahoo", "ymail", "hotmail", "outlook", "live", "msn", "aol", "gmx", "yandex", "protonmail", "icloud",
    };

    /// <summary>The lowercase domain of <paramref name="email"/>, or null when there is none or it is a free-mail provider's.</summary>
    public static string? Of(string? email)
    {
        var at = email?.LastIndexOf('@') ?? -1;
        if (email is null || at <= 0 || at == email.Length - 1) return null;
        var domain = email[(at + 1)..].Trim().TrimEnd('.').ToLowerInvariant();
        return domain.Length == 0 || IsFreeMail(domain) ? null : domain;
    }

    public static bool IsFreeMail(string domain)
    {
        if (FreeMail.Contains(domain)) return true;
        var labels = domain.Split('.');
        // brand + a country or generic suffix of short labels ("co.uk", "com.br", "fr"); "live.acme.com" is a company's.
        return labels.Length is 2 or 3 && FreeMailBrands.Contains(labels[0]) && labels.Skip(1).All(l => l.Length is >= 2 and <= 3);
    }
}
