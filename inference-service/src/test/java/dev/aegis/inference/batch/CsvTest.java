package dev.aegis.inference.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void quotesSeparatorsAndNeutralisesFormulas() {
        assertThat(Csv.cell("plain.png")).isEqualTo("plain.png");
        assertThat(Csv.cell("a,b.png")).isEqualTo("\"a,b.png\"");
        assertThat(Csv.cell("say \"hi\".png")).isEqualTo("\"say \"\"hi\"\".png\"");
        assertThat(Csv.cell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(Csv.cell("@sum")).isEqualTo("'@sum");
        assertThat(Csv.cell("line\nbreak")).isEqualTo("\"line\nbreak\"");
    }
}
