/** The program users run: the picocli CLI ({@code cli}), Guice wiring from typed config ({@code wiring}), and runs (train, eval) with their run directories and progress display ({@code run}). */
package io.github.vqlc.experiments;
