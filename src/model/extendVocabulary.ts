import { LanguageModel } from './languageModel';
import { Vocabulary } from './vocabulary';

export interface WordToAdd {
  word: string;
  /** Occurrences in the text it comes from: sets its share of the probability `<unk>` had. */
  count: number;
}

/**
 * A copy of the model and vocabulary with `words` appended as new ids (existing ids and rows unchanged): the
 * embedding, the untied output matrix if any and the output bias get one row each.
 *
 * Every new word was `<unk>` to the model, so each new row starts as a copy of `<unk>`'s row, and its output
 * bias as `<unk>`'s plus log(count / unknown), where `unknown` is how often the text held words the
 * vocabulary lacks. Then, before any training, the model reads a new word exactly as it read it before (as
 * `<unk>`: the same input, the same recurrent states), and predicts it with the probability it gave to "some
 * unknown word" here, split by how often each new word makes up the unknown words. That is the base model's
 * own knowledge, where the usual alternative, the mean of all embedding rows (Hewitt 2021), would only make it
 * "an average word". Identical rows are no problem for training: the words occur in different places, so their
 * gradients differ from the first step.
 */
export function extendVocabulary(model: LanguageModel, vocabulary: Vocabulary, words: readonly WordToAdd[], unknownCount: number): { model: LanguageModel; vocabulary: Vocabulary } {
  const V = model.config.vocabSize;
  if (vocabulary.size !== V) throw new Error(`the vocabulary has ${vocabulary.size} words but the model ${V}`);
  const extendedVocabulary = Vocabulary.fromJSON([...vocabulary.toJSON(), ...words.map((w) => w.word)]);
  const extended = new LanguageModel({ ...model.config, vocabSize: extendedVocabulary.size }, model.kernels);
  const unk = vocabulary.unkId;
  const total = Math.max(unknownCount, words.reduce((sum, w) => sum + w.count, 0));
  for (const tensor of extended.params.tensors()) {
    const old = model.params.get(tensor.name);
    tensor.value.set(old.value);
    if (tensor.shape[0] !== extendedVocabulary.size || old.shape[0] !== V) continue; // not a per-word tensor
    const rowSize = old.size / V;
    const unkRow = old.value.subarray(unk * rowSize, (unk + 1) * rowSize);
    words.forEach((word, i) => {
      const row = V + i;
      if (tensor.name === 'output.b') tensor.value[row] = unkRow[0] + Math.log(word.count / total);
      else tensor.value.set(unkRow, row * rowSize);
    });
  }
  return { model: extended, vocabulary: extendedVocabulary };
}
