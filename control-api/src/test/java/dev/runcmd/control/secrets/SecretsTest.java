package dev.runcmd.control.secrets;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runcmd.control.runcommand.Parameter;
import dev.runcmd.proto.secrets.SecretBox;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The at-rest sealing of secrets, and the refusal to start without a usable key. */
class SecretsTest {

    @Test
    void missingOrMalformedKeyStopsStartupWithAMessageNamingTheSetting() {
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> new Secrets((String) null));
        IllegalStateException shortKey = assertThrows(IllegalStateException.class, () -> new Secrets("AAEC"));

        assertThat(missing.getMessage(), containsString("runcmd.secrets.key is not set"));
        assertThat(missing.getMessage(), containsString("RUNCMD_SECRETS_KEY"));
        assertThat(shortKey.getMessage(), containsString("must be 32 bytes"));
    }

    @Test
    void parametersAndPasswordsRoundTripSealed() {
        String key = SecretBox.newBase64Key();
        Secrets secrets = new Secrets(key);
        List<Parameter> parameters = List.of(new Parameter("TOKEN", "t0k"), new Parameter("", "pos"));

        String sealed = secrets.sealParameters(parameters);

        assertThat(sealed, not(containsString("t0k")));
        assertEquals(parameters, secrets.openParameters(sealed));
        assertEquals(parameters, new Secrets(key).openParameters(sealed));
        assertEquals("pw", secrets.openPassword(secrets.sealPassword("pw")));
        assertNull(secrets.sealParameters(List.of()));
        assertNull(secrets.sealPassword(null));
        assertEquals(List.of(), secrets.openParameters(null));
    }

    @Test
    void blobUrlsAreSealedAndPlainOnesFromEarlierVersionsStillOpen() {
        Secrets secrets = new Secrets(SecretBox.newBase64Key());
        String url = "https://account.blob.test/c/out.txt?sv=2024&sig=s3cr3t";

        String sealed = secrets.sealUrl(url);

        assertThat(sealed, not(containsString("sig=")));
        assertEquals(url, secrets.openUrl(sealed));
        assertEquals(url, secrets.openUrl(url), "a URL stored in plain text before the sealing");
        assertNull(secrets.sealUrl(null));
        assertNull(secrets.openUrl(null));
    }
}
