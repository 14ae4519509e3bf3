package dev.runcmd.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PlaceholdersTest {

    @Test
    void numberedParametersBecomeOrdinalOnes() {
        assertEquals("update execution set message = ?2 where id = ?1 and ?12 > 0",
                Placeholders.toOrdinal("update execution set message = $2 where id = $1 and $12 > 0"));
    }

    @Test
    void castsAfterAParameterAreKept() {
        assertEquals("where id = any(?1::uuid[])", Placeholders.toOrdinal("where id = any($1::uuid[])"));
    }

    @Test
    void quotedTextIsCopiedAsItIs() {
        String sql = "select 'costs $1' || 'it''s $2' as \"col$3\", $4";
        assertEquals("select 'costs $1' || 'it''s $2' as \"col$3\", ?4", Placeholders.toOrdinal(sql));
    }

    @Test
    void aStatementWithoutParametersIsUnchanged() {
        String sql = "select count(*) from execution where state = 'Pending'";
        assertEquals(sql, Placeholders.toOrdinal(sql));
    }

    @Test
    void dollarQuotingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Placeholders.toOrdinal("select $$text$$"));
    }

    @Test
    void anUnclosedQuoteIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Placeholders.toOrdinal("select 'open"));
    }

    @Test
    void controlApisStatementsRenderWithoutNumberedParameters() {
        for (String sql : new String[] {Cancellation.IF_PENDING, Dependents.CANCEL_AHEAD_OF_STOP,
                MachineDeletion.FAIL_UNFINISHED}) {
            String rendered = Placeholders.toOrdinal(sql);
            assertFalse(rendered.contains("$"), rendered);
            assertEquals(sql.replace("$1", "?1").replace("$2", "?2"), rendered);
        }
    }
}
